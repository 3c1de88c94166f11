package dev.fuseflow.trainer.offline;

/**
 * Where an offline run stands, saved in every checkpoint: the stage, the epoch, the next
 * micro-batch of that epoch (the data order of an epoch is a pure function of the seed, so this
 * is all a resume needs), the updates and micro-batches done in the stage, and skipped updates.
 */
public record RunPosition(Stage stage, int epoch, int nextMicroBatch, long updates, long microBatches, long skippedUpdates) {

    /** The two stages, in order; DONE once both have finished. */
    public enum Stage {
        SFT, PREFERENCE, DONE
    }

    public static RunPosition start(Stage stage) {
        return new RunPosition(stage, 0, 0, 0, 0, 0);
    }
}
