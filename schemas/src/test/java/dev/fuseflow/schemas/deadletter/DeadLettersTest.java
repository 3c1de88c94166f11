package dev.fuseflow.schemas.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterHeader;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.deadletter.DeadLetters.FailedRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

    @Test
    void aConsumedRecordKeepsItsBytesHeadersAndCoordinates() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", new byte[] {1, 2});
        headers.add("empty", null);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(
                "fuseflow.preferences.v1",
                3,
                42L,
                1_000L,
                TimestampType.CREATE_TIME,
                2,
                2,
                "p1",
                new byte[] {0x7b, 0x22},
                headers,
                Optional.empty());

        DeadLetter letter = DeadLetters.builder(
                        FailedRecord.of(record, "p1".getBytes(StandardCharsets.UTF_8), record.value()),
                        "trainer/decode-sample",
                        DeadLetterReason.OUT_OF_RANGE,
                        "weight 2.0 lies outside (0, 1]",
                        null,
                        AT)
                .build();

        assertThat(letter)
                .isEqualTo(DeadLetter.newBuilder()
                        .setOriginalKey(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8)))
                        .setOriginalValue(ByteBuffer.wrap(new byte[] {0x7b, 0x22}))
                        .setOriginalHeaders(List.of(
                                new DeadLetterHeader("trace", ByteBuffer.wrap(new byte[] {1, 2})),
                                new DeadLetterHeader("empty", null)))
                        .setSourceTopic("fuseflow.preferences.v1")
                        .setSourcePartition(3)
                        .setSourceOffset(42L)
                        .setSourceTimestamp(Instant.ofEpochMilli(1_000L))
                        .setStage("trainer/decode-sample")
                        .setReason(DeadLetterReason.OUT_OF_RANGE)
                        .setMessage("weight 2.0 lies outside (0, 1]")
                        .setFailedAt(AT)
                        .build());
    }

    @Test
    void whatIsNotKnownStaysNullAndTheExceptionNamesItsCauses() {
        Exception failure = new IllegalStateException(
                "cannot decode", new UncheckedIOException("short read", new IOException("stream closed")));

        DeadLetter letter = DeadLetters.builder(
                        new FailedRecord(null, null, null, null, null, null, null),
                        "stream-processors/produce",
                        DeadLetterReason.PRODUCTION_FAILED,
                        "refused",
                        failure,
                        AT)
                .setProcessorNode("collect-and-emit")
                .setTaskId("0_1")
                .build();

        assertThat(letter.getOriginalKey()).isNull();
        assertThat(letter.getOriginalValue()).isNull();
        assertThat(letter.getOriginalHeaders()).isEmpty();
        assertThat(letter.getSourceTopic()).isNull();
        assertThat(letter.getSourcePartition()).isNull();
        assertThat(letter.getSourceOffset()).isNull();
        assertThat(letter.getSourceTimestamp()).isNull();
        assertThat(letter.getProcessorNode()).isEqualTo("collect-and-emit");
        assertThat(letter.getTaskId()).isEqualTo("0_1");
        assertThat(letter.getExceptionClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.getExceptionMessage())
                .isEqualTo("cannot decode <- UncheckedIOException: short read <- IOException: stream closed");
    }
}
