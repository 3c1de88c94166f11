package dev.fuseflow.ops.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Every committed record of a topic up to its end offsets at the time of the call, read without a
 * consumer group (ops tools must not move anyone's offsets). Values stay bytes; callers decode.
 */
public final class TopicSnapshot {

    private TopicSnapshot() {}

    /** The records, in partition then offset order; stops at {@code timeout} with what it has. */
    public static List<ConsumerRecord<byte[], byte[]>> read(
            Map<String, Object> clientConfig, String topic, Duration timeout) {
        Map<String, Object> config = readerConfig(clientConfig);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
            ends.values().removeIf(end -> end == 0);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ends.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                ends.keySet().removeIf(tp -> consumer.position(tp) >= ends.get(tp));
            }
        }
        return records;
    }

    /** Settings of a consumer that reads committed records without a group (it never moves anyone's offsets). */
    public static Map<String, Object> readerConfig(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove("group.id");
        config.put("enable.auto.commit", false);
        config.put("isolation.level", "read_committed");
        return config;
    }

    /** The values decoded, skipping records the deserializer cannot read (counted by the caller if it cares). */
    public static <T> List<T> values(List<ConsumerRecord<byte[], byte[]>> records, Deserializer<T> values) {
        List<T> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                decoded.add(values.deserialize(record.topic(), record.headers(), record.value()));
            } catch (RuntimeException e) {
                // an undecodable record in an ops view is skipped; the DLQ command shows raw bytes
            }
        }
        return decoded;
    }
}
