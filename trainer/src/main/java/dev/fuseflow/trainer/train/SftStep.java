package dev.fuseflow.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import dev.fuseflow.trainer.model.ActivationCheckpoints;
import dev.fuseflow.trainer.model.ForwardInputs;
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
            ForwardInputs.ScoredTokens scored = responseTokens(sequences, step);
            NDArray loss;
            try (GradientCollector collector = Engine.getEngine(
                                    manager.getEngine().getEngineName())
                            .newGradientCollector();
                    ActivationCheckpoints checkpoints = checkpoints(step)) {
                NDList inputs = ForwardInputs.maskedScoring(tokens, step.create(sequences.attention()), scored);
                NDArray picked = model.forward(store, inputs, true).singletonOrThrow(); // (N)
                loss = SftLoss.compute(picked);
                backward(collector, loss, checkpoints);
            }
            double value = loss.toType(DataType.FLOAT64, false).getDouble();
            long tokensScored = scored.targets().size();
            GuardedUpdate.Update done = update.afterBackward(value).orElse(new GuardedUpdate.Update(false, Double.NaN));
            return new Outcome(done.applied(), value, done.gradNorm(), tokensScored);
        }
    }

    /**
     * Every response token with a token before it, and the position that predicts it (the one
     * before): the model forms logits for these rows alone, not for prompts and padding.
     */
    private static ForwardInputs.ScoredTokens responseTokens(PreferenceBatch.Sequences sequences, NDManager step) {
        long[][] tokens = sequences.tokens();
        long[][] response = sequences.response();
        int count = 0;
        for (long[] row : response) {
            for (int t = 1; t < row.length; t++) {
                count += (int) row[t];
            }
        }
        long[] rows = new long[count];
        long[] targets = new long[count];
        int n = 0;
        for (int b = 0; b < tokens.length; b++) {
            for (int t = 1; t < tokens[b].length; t++) {
                if (response[b][t] == 1) {
                    rows[n] = (long) b * tokens[b].length + t - 1;
                    targets[n++] = tokens[b][t];
                }
            }
        }
        return new ForwardInputs.ScoredTokens(step.create(rows), step.create(targets));
    }
}
