package dev.fuseflow.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import dev.fuseflow.trainer.model.ActivationCheckpoints;
import dev.fuseflow.trainer.objective.ResponseLogps;
import dev.fuseflow.trainer.objective.SftLoss;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;

/**
 * One SFT update on y_ws, the paper's bootstrap stage before WRPO: the mean negative
 * log-likelihood of the response tokens over the whole micro-batch (SftLoss), then the same
 * guarded AdamW update as WRPO.
 */
public final class SftStep extends GuardedStep {

    /** What one call did: the loss, whether it ended with an update, the gradient norm then. */
    public record Outcome(boolean applied, double loss, double gradNorm, long responseTokens) {}

    private final Block model;

    public SftStep(
            Block model, NDManager manager, CosineWarmupSchedule schedule, double maxGradNorm, int accumulation) {
        this(model, manager, new UpdateSettings(schedule, AdamW.Settings.PYTORCH, maxGradNorm, accumulation));
    }

    public SftStep(Block model, NDManager manager, UpdateSettings settings) {
        super(model, manager, settings);
        this.model = model;
    }

    /** Trains on the sequences' responses (for the bootstrap stage: the batch's y_ws). */
    public Outcome apply(PreferenceBatch.Sequences sequences) {
        try (NDManager step = manager.newSubManager()) {
            NDArray tokens = step.create(sequences.tokens());
            NDArray loss;
            ResponseLogps.Result scored;
            try (GradientCollector collector = Engine.getEngine(
                                    manager.getEngine().getEngineName())
                            .newGradientCollector();
                    ActivationCheckpoints checkpoints = checkpoints(step)) {
                NDArray logits = model.forward(store, new NDList(tokens, step.create(sequences.attention())), true)
                        .singletonOrThrow();
                scored = ResponseLogps.of(logits, tokens, step.create(sequences.response()));
                loss = SftLoss.compute(scored);
                backward(collector, loss, checkpoints);
            }
            double value = loss.toType(DataType.FLOAT64, false).getDouble();
            long tokensScored =
                    (long) scored.tokens().sum().toType(DataType.FLOAT64, false).getDouble();
            GuardedUpdate.Update done = update.afterBackward(value).orElse(new GuardedUpdate.Update(false, Double.NaN));
            return new Outcome(done.applied(), value, done.gradNorm(), tokensScored);
        }
    }
}
