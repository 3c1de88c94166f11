package dev.fuseflow.trainer.training;

/**
 * How long each stage runs, as a feed knows it. A stage counted in samples (a stream's SFT) ends
 * when that many samples trained; a stage counted in updates runs its schedules over them and ends
 * with its data (a file's) or never (a stream's preference stage).
 *
 * @param first     the stage a fresh run starts in
 * @param sft       SFT's length
 * @param afterSft  what follows SFT: the preference stage, or DONE (objective SFT, no preference data)
 * @param preference the preference stage's length
 */
public record StagePlan(Stage first, Length sft, Stage afterSft, Length preference) {

    /** A stage's length in samples or in updates. */
    public record Length(long count, boolean inSamples) {
        public Length {
            Checks.require(count >= 0, "a stage length must be >= 0, got " + count);
        }

        public static Length samples(long count) {
            return new Length(count, true);
        }

        public static Length updates(long count) {
            return new Length(count, false);
        }
    }

    public StagePlan {
        Checks.require(
                first != Stage.DONE && afterSft != Stage.SFT,
                "a plan starts in SFT or PREFERENCE and SFT is followed by" + " PREFERENCE or DONE");
    }

    Length length(Stage stage) {
        return stage == Stage.SFT ? sft : preference;
    }

    Stage after(Stage stage) {
        return stage == Stage.SFT ? afterSft : Stage.DONE;
    }

    /** Whether a stage counted in samples has trained them all. */
    boolean quotaReached(RunState state) {
        return state.stage() == Stage.SFT && sft.inSamples() && state.sftSamples() >= sft.count();
    }
}
