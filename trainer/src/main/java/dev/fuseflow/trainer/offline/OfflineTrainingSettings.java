package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.training.Objective;
import java.nio.file.Path;

/**
 * What only a run on a file needs besides the shared {@code TrainingSetup}: the data, how it splits
 * into the two stages, the epochs, and the reporting.
 *
 * @param data        JSONL of WRPO samples
 * @param evaluation  what is scored on held-out samples, and how often
 * @param sftFraction share of the samples whose y_ws trains the SFT stage (paper: one third); the rest
 *                    trains the preference stage
 * @param seed        the split's and every epoch's order
 * @param logEvery    print the metrics every this many updates
 */
public record OfflineTrainingSettings(
        Path data,
        OfflineEvaluation evaluation,
        double sftFraction,
        int sftEpochs,
        int epochs,
        long seed,
        int logEvery) {

    public OfflineTrainingSettings {
        require(data != null, "--data is required");
        require(evaluation != null, "the evaluation plan is required (OfflineEvaluation.none() for none)");
        require(sftFraction >= 0 && sftFraction <= 1, "--sft-fraction must lie in [0, 1], got " + sftFraction);
        require(
                sftEpochs >= 1 && epochs >= 1,
                "--sft-epochs and --epochs must be >= 1, got " + sftEpochs + " and " + epochs);
        require(logEvery >= 1, "--log-every must be >= 1 update, got " + logEvery);
    }

    /** The objective SFT trains nothing after its stage, so it needs one. */
    void requireFits(Objective objective) {
        require(objective != Objective.SFT || sftFraction > 0, "--objective SFT needs --sft-fraction > 0");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
