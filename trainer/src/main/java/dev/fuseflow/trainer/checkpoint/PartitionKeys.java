package dev.fuseflow.trainer.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How checkpoints and manifests name a partition in their offset maps: {@code <topic>-<partition>},
 * Kafka's own {@code TopicPartition.toString()} form (topic names may contain dashes, so parsing
 * splits at the last one).
 */
public final class PartitionKeys {

    private PartitionKeys() {}

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

    /** Offsets keyed as files write them. */
    public static Map<String, Long> asStrings(Map<TopicPartition, Long> offsets) {
        Map<String, Long> keyed = new LinkedHashMap<>();
        offsets.forEach((partition, offset) -> keyed.put(of(partition), offset));
        return keyed;
    }

    /** Offsets as a file wrote them, keyed by partition again. */
    public static Map<TopicPartition, Long> parsed(Map<String, Long> offsets) {
        Map<TopicPartition, Long> parsed = new LinkedHashMap<>();
        offsets.forEach((key, offset) -> parsed.put(parse(key), offset));
        return parsed;
    }
}
