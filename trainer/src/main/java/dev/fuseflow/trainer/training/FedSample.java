package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.data.WrpoExample;
import java.util.Optional;

/**
 * A sample as a feed delivers it, with its record time (for freshness); no example for a record
 * that could not be used (already dead-lettered), which only moves the position on.
 */
public record FedSample(Optional<WrpoExample> example, long timestampMillis) {

    public static FedSample of(WrpoExample example, long timestampMillis) {
        return new FedSample(Optional.of(example), timestampMillis);
    }

    public static FedSample unusable(long timestampMillis) {
        return new FedSample(Optional.empty(), timestampMillis);
    }
}
