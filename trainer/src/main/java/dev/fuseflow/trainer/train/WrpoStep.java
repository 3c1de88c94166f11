package dev.fuseflow.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import dev.fuseflow.trainer.model.ActivationCheckpoints;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.WrpoLoss;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import java.util.Map;

/**
 * One WRPO optimizer update: reference log-probs without gradients, policy forward and backward,
 * global-norm clipping, AdamW, and a guard that skips the update when the loss or the gradients
 * are not finite. Every array of the step lives in a sub-manager closed at its end (DJL's
 * per-step memory discipline); the loss is read back every step.
 */
public final class WrpoStep extends GuardedStep implements WrpoUpdate {

    /**
     * What one call did, for metrics and logs: {@code applied} when it ended an accumulation cycle
     * with an optimizer update ({@code gradNorm} is NaN for the other micro-batches); {@code metrics}
     * holds every figure of {@link WrpoMetrics} for this micro-batch.
     */
    public record Outcome(
            boolean applied,
            double loss,
            double gradNorm,
            double chosenReward,
            double rejectedReward,
            double accuracy,
            Map<String, Double> metrics) {}

    private final Block policy;
    private final Block reference;
    private final BatchLogps.Layout layout;

    public WrpoStep(
            Block policy, Block reference, NDManager manager, CosineWarmupSchedule schedule, double maxGradNorm) {
        this(policy, reference, manager, new UpdateSettings(schedule, AdamW.Settings.PYTORCH, maxGradNorm, 1));
    }

    /**
     * With {@code accumulation} micro-batches per update, each micro-batch's loss is divided by it,
     * so with equal-size micro-batches and unit weights the update equals one of the whole batch.
     */
    public WrpoStep(Block policy, Block reference, NDManager manager, UpdateSettings settings) {
        this(policy, reference, manager, settings, BatchLogps.Layout.SHARED_PROMPT);
    }

    /** {@code layout}: how the three responses of a sample meet its prompt (both give the same log-probs). */
    public WrpoStep(
            Block policy, Block reference, NDManager manager, UpdateSettings settings, BatchLogps.Layout layout) {
        super(policy, manager, settings);
        this.policy = policy;
        this.reference = reference;
        this.layout = layout;
        reference.freezeParameters(true);
    }

    @Override
    public Outcome apply(PreferenceBatch batch, double alpha, double beta) {
        try (NDManager step = manager.newSubManager()) {
            PreferenceLogps referenceLogps = BatchLogps.of(reference, store, batch, step, false, layout);
            NDArray weights = step.create(batch.weights())
                    .toType(referenceLogps.sourceChosen().getDataType(), false);
            WrpoLoss.Result result;
            PreferenceLogps policyLogps;
            try (GradientCollector collector = Engine.getEngine(
                                    manager.getEngine().getEngineName())
                            .newGradientCollector();
                    ActivationCheckpoints checkpoints = checkpoints(step)) {
                policyLogps = BatchLogps.of(policy, store, batch, step, true, layout);
                result = WrpoLoss.compute(policyLogps, referenceLogps, weights, alpha, beta);
                // Gradients of successive micro-batches add up until the update.
                backward(collector, result.loss(), checkpoints);
            }
            double loss = scalar(result.loss());
            GuardedUpdate.Update done = update.afterBackward(loss).orElse(new GuardedUpdate.Update(false, Double.NaN));
            Map<String, Double> metrics = WrpoMetrics.of(result, policyLogps, batch, alpha, done.gradNorm());
            return new Outcome(
                    done.applied(),
                    loss,
                    done.gradNorm(),
                    metrics.get("rewards/chosen"),
                    metrics.get("rewards/rejected"),
                    metrics.get("rewards/accuracies"),
                    metrics);
        }
    }

    private static double scalar(NDArray value) {
        return value.toType(DataType.FLOAT64, false).getDouble();
    }
}
