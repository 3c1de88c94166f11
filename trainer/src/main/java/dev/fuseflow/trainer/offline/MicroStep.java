package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.train.OptimizerStep;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.util.Map;

/**
 * One stage's training step as the loop drives it: SFT on y_ws or the preference objective.
 *
 * @param step    the objective's step, for cycle ends, checkpoints and skipped updates
 * @param trainer trains on one micro-batch and returns its metrics
 */
record MicroStep(OptimizerStep step, Trainer trainer) {

    /** Key of the metrics entry that counts the tokens the step trained on (the loop turns it into tokens/s). */
    static final String TOKENS = "tokens";

    /** Trains on one micro-batch; {@code completedUpdates} drives schedules such as alpha. */
    @FunctionalInterface
    interface Trainer {
        Map<String, Double> apply(PreferenceBatch batch, long completedUpdates);
    }
}
