package dev.fuseflow.streams.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.FailOnInvalidTimestamp;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Keeps a record whose timestamp lies too far ahead of the wall clock from moving stream time: one
 * such record (a producer with a wrong clock) would otherwise make every prompt behind it on its
 * partition look expired for as long as the clock was ahead. Kafka Streams advances stream time
 * from what the extractor returns, before any processor sees the record, so the bound is kept here:
 * such a record gets the partition's time instead of its own, and a header that the validator
 * turns into a FUTURE_TIMESTAMP dead letter.
 */
final class FutureTimestampGuard implements TimestampExtractor {

    /** Set by the guard only: whatever a producer put under this name is removed first. */
    static final String HEADER = "fuseflow.future-timestamp";

    private final TimestampExtractor valid = new FailOnInvalidTimestamp();
    private final Clock clock;
    private final Duration maxSkew;

    FutureTimestampGuard(Clock clock, Duration maxSkew) {
        this.clock = clock;
        this.maxSkew = maxSkew;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        record.headers().remove(HEADER);
        long timestamp = valid.extract(record, partitionTime);
        long now = clock.millis();
        if (timestamp <= now + maxSkew.toMillis()) {
            return timestamp;
        }
        String problem = "the record timestamp " + Instant.ofEpochMilli(timestamp) + " is "
                + Duration.ofMillis(timestamp - now) + " ahead of the wall clock, more than the limit of " + maxSkew
                + " (fuseflow.limits.max-future-skew): the producer's clock is wrong";
        record.headers().add(HEADER, problem.getBytes(StandardCharsets.UTF_8));
        return partitionTime >= 0 ? partitionTime : now;
    }

    /** The problem the guard found with a record, from its headers; null if none. */
    static String problem(Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
