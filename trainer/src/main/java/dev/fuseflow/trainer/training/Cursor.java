package dev.fuseflow.trainer.training;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Where a feed stands after a micro-batch: the next offsets of the partitions it read, or a place in a file's epoch. */
public sealed interface Cursor permits Cursor.Offsets, Cursor.InFile {

    /**
     * @param next       the offset after the batch's last record, per partition it read
     * @param assignment the feed's partition assignment the batch was read under (a rebalance starts a new one)
     */
    record Offsets(Map<TopicPartition, Long> next, long assignment) implements Cursor {
        public Offsets {
            next = Map.copyOf(next);
        }
    }

    record InFile(int epoch, int nextMicroBatch) implements Cursor {}
}
