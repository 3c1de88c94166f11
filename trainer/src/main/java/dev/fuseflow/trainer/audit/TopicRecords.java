package dev.fuseflow.trainer.audit;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.trainer.service.SampleIntake;
import dev.fuseflow.trainer.topics.TopicSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The audit's reads of Kafka, each a {@link TopicSnapshot}: the preference samples and the dead letters the
 * trainer wrote for them.
 */
final class TopicRecords {

    private final TopicSnapshot snapshot;

    /** {@code clientConfig}: the connection settings (bootstrap servers, registry URL, security). */
    TopicRecords(Map<String, Object> clientConfig, Duration timeout) {
        this.snapshot = new TopicSnapshot(clientConfig, timeout);
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
        return snapshot.deserializer();
    }

    private void readToEnd(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        snapshot.readToEnd(topic, offsets -> {}, each);
    }
}
