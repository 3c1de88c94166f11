package dev.fuseflow.trainer.checkpoint;

import org.apache.kafka.common.TopicPartition;

/**
 * How checkpoints and manifests name a partition in their offset maps: {@code <topic>-<partition>},
 * Kafka's own {@code TopicPartition.toString()} form (topic names may contain dashes, so parsing
 * splits at the last one).
 */
public final class PartitionKeys {

    private PartitionKeys() {
    }

    public static String of(TopicPartition partition) {
        return partition.topic() + "-" + partition.partition();
    }

    public static TopicPartition parse(String key) {
        int dash = key.lastIndexOf('-');
        if (dash <= 0 || dash == key.length() - 1) {
            throw new IllegalArgumentException("partition key '" + key + "' is not <topic>-<partition>");
        }
        return new TopicPartition(key.substring(0, dash), Integer.parseInt(key.substring(dash + 1)));
    }
}
