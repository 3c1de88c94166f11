package dev.fuseflow.trainer.audit;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.trainer.service.SampleIntake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The audit's reads of Kafka: a topic from its beginning to the end offsets it had when the read
 * began, read_committed (what the trainer could see), by assignment, so no consumer group is
 * joined and no offset is committed.
 */
final class TopicRecords {

    private final Map<String, Object> config;
    private final Duration timeout;

    /** {@code clientConfig}: the connection settings (bootstrap servers, registry URL, security). */
    TopicRecords(Map<String, Object> clientConfig, Duration timeout) {
        this.config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // a wrong --topic-prefix creates nothing
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        this.timeout = timeout;
    }

    /** The preferences topic's records with their sample ids (none for a record that is not a PreferenceSample). */
    List<ExactlyOnceAudit.TopicRecord> samples(String topic) {
        KafkaAvroDeserializer avro = deserializer();
        List<ExactlyOnceAudit.TopicRecord> records = new ArrayList<>();
        readToEnd(topic, record -> {
            String sampleId;
            try {
                sampleId = record.value() == null
                        ? null
                        : ((PreferenceSample) avro.deserialize(record.topic(), record.headers(), record.value()))
                                .getSampleId();
            } catch (RuntimeException notASample) {
                sampleId = null; // the trainer dead-letters such a record; the audit looks for that letter
            }
            records.add(ExactlyOnceAudit.TopicRecord.of(
                    new TopicPartition(record.topic(), record.partition()), record.offset(), sampleId));
        });
        return records;
    }

    /** Where the records are that the trainer's intake dead-lettered from {@code sourceTopic}. */
    Set<ExactlyOnceAudit.RecordAt> deadLettered(String deadLetterTopic, String sourceTopic) {
        KafkaAvroDeserializer avro = deserializer();
        Set<ExactlyOnceAudit.RecordAt> letters = new HashSet<>();
        readToEnd(deadLetterTopic, record -> {
            if (record.value() == null) {
                return;
            }
            Object value = avro.deserialize(record.topic(), record.headers(), record.value());
            if (value instanceof DeadLetter letter
                    && SampleIntake.STAGE.equals(letter.getStage())
                    && sourceTopic.equals(letter.getSourceTopic())
                    && letter.getSourcePartition() != null
                    && letter.getSourceOffset() != null) {
                letters.add(new ExactlyOnceAudit.RecordAt(
                        new TopicPartition(sourceTopic, letter.getSourcePartition()), letter.getSourceOffset()));
            }
        });
        return letters;
    }

    private KafkaAvroDeserializer deserializer() {
        KafkaAvroDeserializer avro = new KafkaAvroDeserializer();
        avro.configure(config, false);
        return avro;
    }

    private void readToEnd(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist (check --topic-prefix)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + end
                            + " within " + timeout + " (raise --timeout)");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < end.get(partition)) {
                        each.accept(record);
                    }
                }
            }
        }
    }
}
