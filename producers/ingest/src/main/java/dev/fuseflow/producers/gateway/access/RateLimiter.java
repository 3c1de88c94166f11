package dev.fuseflow.producers.gateway.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: each holds up to {@code burst} tokens and gains {@code perSecond} a
 * second; a request takes one, and one that finds none is refused with the time until the next.
 */
public final class RateLimiter {

    /** Above this many buckets, full ones (clients idle long enough to have refilled) are dropped. */
    private static final int MAX_IDLE_BUCKETS = 10_000;

    private final double perNano;
    private final int burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perSecond tokens gained a second; 0: no limit
     * @param burst     the bucket's size
     * @param nanoTime  the clock ({@link System#nanoTime} but in tests)
     */
    public RateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    public boolean limits() {
        return perNano > 0;
    }

    /** Takes a token of {@code client}'s bucket: 0 when there was one, else the nanoseconds until there is. */
    public long acquire(String client) {
        if (!limits()) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        if (buckets.size() > MAX_IDLE_BUCKETS) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(now)).take(now);
    }

    private final class Bucket {
        private double tokens = burst;
        private long updated;

        Bucket(long now) {
            this.updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * perNano);
            updated = now;
        }
    }
}
