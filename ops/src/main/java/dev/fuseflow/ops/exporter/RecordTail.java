package dev.fuseflow.ops.exporter;

import dev.fuseflow.ops.topics.TopicSnapshot;
import dev.fuseflow.runtime.ops.ServiceMeters;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the model-versions and dead-letter topics from their beginning on a thread of its own,
 * without a consumer group: every model's records in order, and each dead letter as it arrives.
 */
final class RecordTail implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaAvroDeserializer values;
    private final String versionsTopic;
    private final String deadLettersTopic;
    private final BiConsumer<DeadLetter, Long> onDeadLetter;
    private final Map<String, List<ModelVersion>> versionsByModel = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    RecordTail(
            Map<String, Object> clientConfig,
            String versionsTopic,
            String deadLettersTopic,
            BiConsumer<DeadLetter, Long> onDeadLetter) {
        Map<String, Object> config = TopicSnapshot.readerConfig(clientConfig);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.values = new KafkaAvroDeserializer();
        values.configure(config, false);
        this.versionsTopic = versionsTopic;
        this.deadLettersTopic = deadLettersTopic;
        this.onDeadLetter = onDeadLetter;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(versionsTopic, deadLettersTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::follow, "ops-record-tail");
        thread.setDaemon(true);
        thread.start();
    }

    /** Exports the tail's consumer's own metrics ({@code kafka_consumer_*}). */
    void bindClientMetrics(ServiceMeters meters) {
        meters.bindKafkaClient(consumer);
    }

    private void follow() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Object value;
                    try {
                        value = values.deserialize(record.topic(), record.headers(), record.value());
                    } catch (RuntimeException undecodable) {
                        continue;
                    }
                    if (record.topic().equals(versionsTopic) && value instanceof ModelVersion version) {
                        synchronized (versionsByModel) {
                            versionsByModel
                                    .computeIfAbsent(version.getModelName().toString(), m -> new ArrayList<>())
                                    .add(version);
                        }
                    } else if (record.topic().equals(deadLettersTopic) && value instanceof DeadLetter letter) {
                        onDeadLetter.accept(letter, record.timestamp());
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } finally {
            consumer.close();
        }
    }

    /** Every model's records so far, oldest first. */
    Map<String, List<ModelVersion>> versions() {
        synchronized (versionsByModel) {
            Map<String, List<ModelVersion>> copy = new LinkedHashMap<>();
            versionsByModel.forEach((model, list) -> copy.put(model, List.copyOf(list)));
            return copy;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
