package dev.fuseflow.trainer.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a run stands, saved in every checkpoint beside weights and optimizer, and changed only by
 * the named transitions below.
 *
 * @param stage             the stage now training
 * @param totalUpdates      optimizer updates in the whole run (a checkpoint is named after it)
 * @param stageUpdates      updates in the current stage (drives the alpha ramp and the schedules)
 * @param stageMicroBatches micro-batches trained in the current stage
 * @param sftSamples        samples trained by SFT (a stream's SFT stage ends at a configured count)
 * @param trainedTotal      samples trained in this lineage (held-out eval samples not counted)
 * @param position          how far the samples have been read
 * @param audit             what was trained since the previous checkpoint, and that checkpoint
 */
public record RunState(
        Stage stage,
        long totalUpdates,
        long stageUpdates,
        long stageMicroBatches,
        long sftSamples,
        long trainedTotal,
        FeedPosition position,
        Audit audit) {

    /**
     * Every checkpoint's part of the exactly-once audit: across the lineage (following {@code parent}
     * back to the first checkpoint) each sample id appears exactly once.
     *
     * @param trainedSamples sample ids trained since the previous checkpoint, in training order
     * @param parent         the previous checkpoint's folder name, if any
     */
    public record Audit(List<String> trainedSamples, Optional<String> parent) {
        public Audit {
            trainedSamples = List.copyOf(trainedSamples);
        }

        Audit adding(List<String> ids) {
            List<String> all = new ArrayList<>(trainedSamples);
            all.addAll(ids);
            return new Audit(all, parent);
        }
    }

    public static RunState start(Stage first) {
        return new RunState(first, 0, 0, 0, 0, 0, FeedPosition.start(), new Audit(List.of(), Optional.empty()));
    }

    /** A micro-batch trained: {@code trainedIds} counted, one update more when it ended an accumulation cycle. */
    RunState trained(MicroBatch batch, List<String> trainedIds, boolean cycleEnded) {
        int updates = cycleEnded ? 1 : 0;
        long sft = stage == Stage.SFT ? trainedIds.size() : 0;
        return new RunState(
                stage,
                totalUpdates + updates,
                stageUpdates + updates,
                stageMicroBatches + 1,
                sftSamples + sft,
                trainedTotal + trainedIds.size(),
                position.after(batch.after()),
                audit.adding(trainedIds));
    }

    /** The gradients of an unfinished accumulation cycle were applied (a run stopping mid-cycle). */
    RunState updateApplied() {
        return new RunState(
                stage,
                totalUpdates + 1,
                stageUpdates + 1,
                stageMicroBatches,
                sftSamples,
                trainedTotal,
                position,
                audit);
    }

    /** A micro-batch read but with nothing to train (held out, or unusable): only the position moves. */
    RunState passed(MicroBatch batch) {
        return new RunState(
                stage,
                totalUpdates,
                stageUpdates,
                stageMicroBatches,
                sftSamples,
                trainedTotal,
                position.after(batch.after()),
                audit);
    }

    /** The next stage begins: its counts start at zero, a file's reading at its first epoch. */
    RunState startingStage(Stage next) {
        return new RunState(next, totalUpdates, 0, 0, sftSamples, trainedTotal, position.startOfStage(), audit);
    }

    /** A checkpoint named {@code name} now holds this state: the audit starts again with it as the parent. */
    RunState checkpointedAs(String name) {
        return new RunState(
                stage,
                totalUpdates,
                stageUpdates,
                stageMicroBatches,
                sftSamples,
                trainedTotal,
                position,
                new Audit(List.of(), Optional.of(name)));
    }

    /** Whether anything trained since the last checkpoint (a checkpoint without it would add nothing). */
    boolean trainedSinceCheckpoint() {
        return !audit.trainedSamples().isEmpty();
    }
}
