package dev.fuseflow.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.WrpoLoss;
import dev.fuseflow.trainer.train.BatchLogps;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.util.List;

/**
 * Scores a model on held-out preference samples, without gradients. With a reference model the
 * rewards are WRPO's implicit ones, beta * (logp_policy - logp_ref), and the loss is the WRPO loss;
 * without one they are the summed log-probabilities themselves (does the model find the chosen
 * response likelier than the rejected one?) and there is no loss.
 */
public final class PreferenceEvaluator {

    private final Block model;
    private final Block reference;
    private final NDManager manager;
    private final ParameterStore store;
    private final double alpha;
    private final double beta;

    /** @param reference null to score by log-likelihood alone */
    public PreferenceEvaluator(Block model, Block reference, NDManager manager, double alpha, double beta) {
        this.model = model;
        this.reference = reference;
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
        this.alpha = alpha;
        this.beta = beta;
    }

    /** Scores every example, {@code microBatchSize} at a time, in file order. */
    public EvalReport evaluate(List<WrpoExample> examples, PreferenceBatcher batcher, int microBatchSize) {
        EvalReport.Builder report = new EvalReport.Builder(reference != null);
        for (int from = 0; from < examples.size(); from += microBatchSize) {
            score(batcher.batch(examples.subList(from, Math.min(examples.size(), from + microBatchSize))), report);
        }
        return report.build();
    }

    /** Adds one batch to {@code report}. */
    public void score(PreferenceBatch batch, EvalReport.Builder report) {
        try (NDManager step = manager.newSubManager()) {
            PreferenceLogps policy = BatchLogps.of(model, store, batch, step, false);
            PreferenceLogps base =
                    reference != null ? BatchLogps.of(reference, store, batch, step, false) : zeros(policy, step);
            NDArray weights =
                    step.create(batch.weights()).toType(policy.sourceChosen().getDataType(), false);
            // Without a reference, beta 1 keeps the rewards in nats.
            WrpoLoss.Result result = WrpoLoss.compute(policy, base, weights, alpha, reference != null ? beta : 1.0);
            double[] losses = doubles(result.losses());
            double[] sourceChosen = doubles(result.sourceChosenReward());
            double[] targetChosen = doubles(result.targetChosenReward());
            double[] chosen = doubles(result.chosenReward());
            double[] rejected = doubles(result.rejectedReward());
            for (int i = 0; i < batch.size(); i++) {
                report.add(
                        batch.weights()[i],
                        reference != null ? losses[i] : Double.NaN,
                        sourceChosen[i],
                        targetChosen[i],
                        chosen[i],
                        rejected[i]);
            }
        }
    }

    private static PreferenceLogps zeros(PreferenceLogps like, NDManager step) {
        NDArray zero =
                step.zeros(like.sourceChosen().getShape(), like.sourceChosen().getDataType());
        return new PreferenceLogps(zero, zero, zero);
    }

    private static double[] doubles(NDArray values) {
        return values.toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
