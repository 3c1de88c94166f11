package dev.fuseflow.schemas.deadletter;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterHeader;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The one place a {@link DeadLetter} is assembled, for every stage that writes one: the failed
 * record's original key, value and headers and where it was read, the stage, reason and message,
 * and the exception with its causes. A Kafka Streams stage adds its processor node and task id to
 * the builder this returns.
 */
public final class DeadLetters {

    private DeadLetters() {}

    /**
     * The record a stage gave up on, as Kafka shows it: where it was read, null where that is not
     * known (a record that failed on its way out has no source), and its raw key, value and
     * headers, null where it had none. A carrier, not a value: it compares its arrays by identity.
     */
    public record FailedRecord(
            String topic, Integer partition, Long offset, Long timestampMs, byte[] key, byte[] value, Headers headers) {

        /** A consumed record's coordinates and headers, with the bytes of its key and value. */
        public static FailedRecord of(ConsumerRecord<?, ?> record, byte[] key, byte[] value) {
            return new FailedRecord(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.timestamp(),
                    key,
                    value,
                    record.headers());
        }
    }

    /**
     * @param stage     the component and step that failed, e.g. {@code stream-processors/validate-feedback}
     * @param exception what caused the failure, null when there was none (a broken contract rule)
     * @param failedAt  when the stage gave up on the record
     */
    public static DeadLetter.Builder builder(
            FailedRecord record,
            String stage,
            DeadLetterReason reason,
            String message,
            Throwable exception,
            Instant failedAt) {
        return DeadLetter.newBuilder()
                .setOriginalKey(wrap(record.key()))
                .setOriginalValue(wrap(record.value()))
                .setOriginalHeaders(headers(record.headers()))
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setSourceTimestamp(record.timestampMs() == null ? null : Instant.ofEpochMilli(record.timestampMs()))
                .setStage(stage)
                .setReason(reason)
                .setMessage(message)
                .setExceptionClass(
                        exception == null ? null : exception.getClass().getName())
                .setExceptionMessage(exception == null ? null : causes(exception))
                .setFailedAt(failedAt);
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    private static List<DeadLetterHeader> headers(Headers headers) {
        List<DeadLetterHeader> out = new ArrayList<>();
        if (headers != null) {
            for (Header h : headers) {
                out.add(new DeadLetterHeader(h.key(), wrap(h.value())));
            }
        }
        return out;
    }

    /** The exception's message, then each cause's class and message: {@code message <- Cause: its message}. */
    private static String causes(Throwable exception) {
        StringBuilder text = new StringBuilder(String.valueOf(exception.getMessage()));
        for (Throwable cause = exception.getCause();
                cause != null && cause != cause.getCause();
                cause = cause.getCause()) {
            text.append(" <- ")
                    .append(cause.getClass().getSimpleName())
                    .append(": ")
                    .append(cause.getMessage());
        }
        return text.toString();
    }
}
