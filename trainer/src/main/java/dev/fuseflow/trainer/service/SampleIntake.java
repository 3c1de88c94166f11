package dev.fuseflow.trainer.service;

import dev.fuseflow.runtime.ops.ServiceMeters;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.deadletter.DeadLetters;
import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.validation.EventValidator;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How samples enter the trainer: the preferences topic read as raw bytes, decoded and checked here,
 * so that a poisoned record (bytes that are not a PreferenceSample, undecodable text, a weight
 * outside (0, 1], an empty response) is written to the dead-letter topic with its original bytes
 * and a reason, and skipped, instead of stopping training or poisoning an update. Over-long samples
 * are not poisoned: the batcher truncates them by the documented rule.
 *
 * <p>A dead letter is written before the checkpoint that moves past its record, so a crash in
 * between writes it again on restart: dead letters are at least once, training stays exactly once.
 */
public final class SampleIntake implements AutoCloseable {

    /** The dead letters this intake writes carry this stage. */
    public static final String STAGE = "trainer/decode-sample";

    private static final Logger LOG = LoggerFactory.getLogger(SampleIntake.class);

    private final Consumer<String, byte[]> consumer;
    private final Deserializer<PreferenceSample> values;
    private final Producer<byte[], byte[]> deadLetters;
    private final KafkaAvroSerializer<SpecificRecord> letterValues;
    private final String deadLetterTopic;
    private long poisoned;
    /** The model's encoder, once the trainer knows it: a sample it refuses to encode is a dead letter. */
    private Optional<PromptResponseEncoder> encoder = Optional.empty();

    public SampleIntake(
            Consumer<String, byte[]> consumer,
            Deserializer<PreferenceSample> values,
            Producer<byte[], byte[]> deadLetters,
            KafkaAvroSerializer<SpecificRecord> letterValues,
            String deadLetterTopic) {
        this.consumer = consumer;
        this.values = values;
        this.deadLetters = deadLetters;
        this.letterValues = letterValues;
        this.deadLetterTopic = deadLetterTopic;
    }

    /**
     * The trainer's intake on Kafka: a read_committed consumer without auto-commit from
     * {@code consumerConfig} (bootstrap servers, group, registry URL, security), and an idempotent
     * producer for dead letters with the same connection settings.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static SampleIntake kafka(Map<String, Object> consumerConfig, String deadLetterTopic) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        KafkaAvroDeserializer avro = new KafkaAvroDeserializer();
        avro.configure(config, false);
        Map<String, Object> producerConfig = new HashMap<>();
        config.forEach((key, value) -> {
            if (!ConsumerConfig.configNames().contains(key)
                    || ProducerConfig.configNames().contains(key)) {
                producerConfig.put(key, value); // connection, security and registry settings
            }
        });
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        KafkaAvroSerializer letters = new KafkaAvroSerializer();
        letters.configure(producerConfig, false);
        return new SampleIntake(
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer()),
                (Deserializer) avro,
                new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer()),
                letters,
                deadLetterTopic);
    }

    /** Exports the consumer's and the dead-letter producer's own metrics ({@code kafka_consumer_*}, {@code kafka_producer_*}). */
    public void bindClientMetrics(ServiceMeters meters) {
        meters.bindKafkaClient(consumer);
        meters.bindKafkaClient(deadLetters);
    }

    Consumer<String, byte[]> consumer() {
        return consumer;
    }

    /**
     * Checks every sample against the model's encoder from now on: a conversation the chat template
     * refuses ({@code raise_exception}, a role it has no turn for), or whose special-token text the
     * template would not keep apart from its own, becomes a dead letter with the message instead of
     * stopping the trainer when its batch is prepared.
     */
    void checkEncodingWith(PromptResponseEncoder promptResponseEncoder) {
        this.encoder = Optional.of(promptResponseEncoder);
    }

    /** Poisoned records dead-lettered by this intake since it started. */
    public long poisoned() {
        return poisoned;
    }

    /** The sample in a record, or empty after dead-lettering a poisoned one (waiting until the broker has it). */
    Optional<PreferenceSample> decode(ConsumerRecord<String, byte[]> record) {
        SampleCheck.Checked checked = SampleCheck.decode(
                        () -> values.deserialize(record.topic(), record.headers(), record.value()))
                .andThen(sample -> encoder.flatMap(e -> SampleCheck.unencodable(sample, e)));
        if (checked.violation().isPresent()) {
            EventValidator.Violation problem = checked.violation().get();
            deadLetter(
                    record, problem.reason(), problem.message(), checked.cause().orElse(null));
            return Optional.empty();
        }
        return Optional.of(checked.sample());
    }

    private void deadLetter(
            ConsumerRecord<String, byte[]> record, DeadLetterReason reason, String message, Exception cause) {
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = DeadLetters.builder(
                        DeadLetters.FailedRecord.of(record, key, record.value()),
                        STAGE,
                        reason,
                        message,
                        cause,
                        Instant.now())
                .build();
        try {
            deadLetters
                    .send(new ProducerRecord<>(deadLetterTopic, key, letterValues.serialize(deadLetterTopic, letter)))
                    .get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot dead-letter " + record.topic() + "-" + record.partition() + "@" + record.offset() + " ("
                            + message + "); the sample stays unconsumed and is retried: "
                            + e.getCause().getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering a poisoned sample", e);
        }
        poisoned++;
        LOG.warn(
                "poisoned sample {}-{}@{} dead-lettered ({}): {}",
                record.topic(),
                record.partition(),
                record.offset(),
                reason,
                message);
    }

    @Override
    public void close() {
        consumer.close();
        deadLetters.close();
    }
}
