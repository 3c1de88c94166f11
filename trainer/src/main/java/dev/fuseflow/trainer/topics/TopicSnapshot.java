package dev.fuseflow.trainer.topics;

import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A topic read from its beginning to the end offsets it had when the read began, read_committed (what the trainer
 * could see), by assignment, so no consumer group is joined and no offset is committed: what the audit and the
 * sample export read.
 */
public final class TopicSnapshot {

    private final Map<String, Object> config;
    private final Duration idleTimeout;

    /**
     * @param clientConfig the connection settings (bootstrap servers, registry URL, security)
     * @param idleTimeout  how long the broker may send nothing before the read gives up
     */
    public TopicSnapshot(Map<String, Object> clientConfig, Duration idleTimeout) {
        this.config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // a wrong --topic-prefix creates nothing
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        this.idleTimeout = idleTimeout;
    }

    /** A deserializer of the registry's Avro records into FuseFlow's specific classes. */
    public KafkaAvroDeserializer deserializer() {
        KafkaAvroDeserializer avro = new KafkaAvroDeserializer();
        avro.configure(config, false);
        return avro;
    }

    /** Every record of {@code topic} up to its current end; {@code offsets} first hears how many offsets that spans. */
    public void readToEnd(String topic, LongConsumer offsets, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, idleTimeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist (check --topic-prefix)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, idleTimeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, idleTimeout);
            consumer.seekToBeginning(partitions);
            offsets.accept(partitions.stream()
                    .mapToLong(p -> end.get(p) - start.get(p))
                    .sum());
            long lastProgress = System.nanoTime();
            long remaining = remaining(consumer, partitions, end);
            while (remaining > 0) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < end.get(partition)) {
                        each.accept(record);
                    }
                }
                // Progress is the position moving: aborted transactions move it without returning records.
                long now = remaining(consumer, partitions, end);
                if (now < remaining) {
                    remaining = now;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > idleTimeout.toNanos()) {
                    throw new IllegalStateException("no record of " + topic + " for " + idleTimeout
                            + " before its end offsets " + end + " (raise --timeout)");
                }
            }
        }
    }

    /** Offsets left before {@code end}, summed over the partitions (a partition past its end counts 0). */
    private long remaining(
            KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        return partitions.stream()
                .mapToLong(p -> Math.max(0, end.get(p) - consumer.position(p, idleTimeout)))
                .sum();
    }
}
