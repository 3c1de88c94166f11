package dev.fuseflow.trainer.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a run has read its samples: for a stream, the offset to resume at per partition; for a
 * file, the epoch of the current stage and the next micro-batch of that epoch (an epoch's order is
 * a pure function of the seed, so this is all a resume needs).
 */
public record FeedPosition(Map<TopicPartition, Long> offsets, int epoch, int nextMicroBatch) {

    public FeedPosition {
        offsets = Map.copyOf(offsets);
    }

    public static FeedPosition start() {
        return new FeedPosition(Map.of(), 0, 0);
    }

    /** After a micro-batch that ended at {@code after}. */
    FeedPosition after(Cursor after) {
        if (after instanceof Cursor.Offsets read) {
            Map<TopicPartition, Long> merged = new LinkedHashMap<>(offsets);
            read.next().forEach((partition, offset) -> merged.merge(partition, offset, Math::max));
            return new FeedPosition(merged, epoch, nextMicroBatch);
        }
        Cursor.InFile inFile = (Cursor.InFile) after;
        return new FeedPosition(offsets, inFile.epoch(), inFile.nextMicroBatch());
    }

    /** The start of a new stage's data: its first epoch; stream offsets run on across stages. */
    FeedPosition startOfStage() {
        return new FeedPosition(offsets, 0, 0);
    }
}
