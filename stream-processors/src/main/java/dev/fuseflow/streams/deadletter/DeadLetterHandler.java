package dev.fuseflow.streams.deadletter;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.deadletter.DeadLetters;
import dev.fuseflow.schemas.deadletter.DeadLetters.FailedRecord;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.streams.validation.InvalidEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' three error hooks in one place: a record that cannot be deserialized, processed
 * or produced becomes a DeadLetter (original key, value and headers, source coordinates,
 * processor node, task, reason, message) that Streams writes to the dead-letter topic in the same
 * transaction, and processing resumes. Nothing is dropped and nothing stops the application.
 *
 * <p>Configured from the Streams properties: {@link #DLQ_TOPIC}, the serde's registry settings and,
 * optionally, a Micrometer registry under {@link #METER_REGISTRY}.
 */
public final class DeadLetterHandler
        implements DeserializationExceptionHandler, ProcessingExceptionHandler, ProductionExceptionHandler {

    public static final String DLQ_TOPIC = "fuseflow.dlq.topic";
    public static final String METER_REGISTRY = "fuseflow.meter.registry";
    public static final String STAGE_PREFIX = "stream-processors/";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private String topic;
    private KafkaAvroSerializer<DeadLetter> serializer;
    private MeterRegistry meters;
    private Map<String, Object> producerConfig;
    private KafkaProducer<byte[], byte[]> ownProducer;

    @Override
    public void configure(Map<String, ?> configs) {
        producerConfig = ownProducerConfig(configs);
        topic = Objects.requireNonNull((String) configs.get(DLQ_TOPIC), DLQ_TOPIC + " must name the dead-letter topic");
        serializer = new KafkaAvroSerializer<>();
        serializer.configure(configs, false);
        Object registry = configs.get(METER_REGISTRY);
        meters = registry instanceof MeterRegistry m ? m : Metrics.globalRegistry;
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return DeserializationExceptionHandler.Response.resume(deadLetter(
                context,
                "deserialize",
                DeadLetterReason.DESERIALIZATION_FAILED,
                "the value cannot be read as the topic's Avro contract: " + exception.getMessage(),
                exception));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof InvalidEventException invalid) {
            return ProcessingExceptionHandler.Response.resume(
                    deadLetter(context, context.processorNodeId(), invalid.reason(), invalid.getMessage(), null));
        }
        LOG.error(
                "Processing failed at {} for {}-{}@{}; dead-lettering the record",
                context.processorNodeId(),
                context.topic(),
                context.partition(),
                context.offset(),
                exception);
        return ProcessingExceptionHandler.Response.resume(deadLetter(
                context,
                context.processorNodeId(),
                DeadLetterReason.PROCESSING_FAILED,
                "processing failed: " + exception,
                exception));
    }

    /**
     * Called on the producer's network thread when the broker refused a record. Handing dead
     * letters back to Streams here would make that thread send them itself, and it blocks waiting
     * for metadata only it can fetch (seen: the transaction stalled for max.block.ms). So this
     * dead letter goes through a producer of its own: at least once, outside the transaction.
     */
    @Override
    public ProductionExceptionHandler.Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        String problem = exception instanceof RecordTooLargeException
                ? "the output record for '" + record.topic() + "' is too large for the broker (" + size(record)
                        + " bytes)"
                : "the output record for '" + record.topic() + "' could not be written: " + exception;
        ownProducer()
                .send(
                        deadLetter(context, "produce", DeadLetterReason.PRODUCTION_FAILED, problem, exception)
                                .get(0),
                        (metadata, failure) -> {
                            if (failure != null) {
                                LOG.error(
                                        "Could not dead-letter a refused output record from {}-{}@{}: {}",
                                        context.topic(),
                                        context.partition(),
                                        context.offset(),
                                        failure.toString());
                            }
                        });
        return ProductionExceptionHandler.Response.resume();
    }

    private synchronized KafkaProducer<byte[], byte[]> ownProducer() {
        if (ownProducer == null) {
            ownProducer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return ownProducer;
    }

    /** The Streams application's connection and security settings, for a plain idempotent producer. */
    private static Map<String, Object> ownProducerConfig(Map<String, ?> configs) {
        Map<String, Object> config = new HashMap<>();
        Set<String> producerKeys = ProducerConfig.configNames();
        configs.forEach((key, value) -> {
            if (producerKeys.contains(key) && !key.startsWith("transactional") && !key.endsWith("serializer")) {
                config.put(key, value);
            }
        });
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "fuseflow-dead-letters-" + System.identityHashCode(config));
        return config;
    }

    @Override
    public ProductionExceptionHandler.Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        return ProductionExceptionHandler.Response.resume(deadLetter(
                context,
                "serialize",
                DeadLetterReason.PRODUCTION_FAILED,
                "the output " + origin.name().toLowerCase(Locale.ROOT) + " for '" + record.topic()
                        + "' could not be serialized: " + exception.getMessage(),
                exception));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(
            ErrorHandlerContext context, String step, DeadLetterReason reason, String message, Exception exception) {
        DeadLetter letter = DeadLetters.builder(
                        failedRecord(context), STAGE_PREFIX + step, reason, message, exception, Instant.now())
                .setProcessorNode(context.processorNodeId())
                .setTaskId(context.taskId() == null ? null : context.taskId().toString())
                .build();
        meters.counter("fuseflow_dlq_records", "stage", letter.getStage(), "reason", reason.name())
                .increment();
        LOG.debug(
                "Dead letter {} from {}-{}@{}: {}",
                reason,
                context.topic(),
                context.partition(),
                context.offset(),
                message);
        return List.of(new ProducerRecord<>(topic, null, context.sourceRawKey(), serializer.serialize(topic, letter)));
    }

    /** The source record as Streams knows it; a negative partition, offset or timestamp means none. */
    private static FailedRecord failedRecord(ErrorHandlerContext context) {
        return new FailedRecord(
                context.topic(),
                context.partition() < 0 ? null : context.partition(),
                context.offset() < 0 ? null : context.offset(),
                context.timestamp() < 0 ? null : context.timestamp(),
                context.sourceRawKey(),
                context.sourceRawValue(),
                context.headers());
    }

    private static int size(ProducerRecord<byte[], byte[]> record) {
        return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }
}
