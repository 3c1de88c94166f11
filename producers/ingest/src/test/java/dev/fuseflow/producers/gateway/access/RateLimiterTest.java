package dev.fuseflow.producers.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void aBucketHoldsTheBurstAndRefillsAtTheRate() {
        AtomicLong now = new AtomicLong(1_000);
        RateLimiter limiter = new RateLimiter(4, 3, now::get);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).as("empty: a token in 1/4 s").isEqualTo(250_000_000L);
        assertThat(limiter.acquire("b")).as("each client its own bucket").isZero();
        now.addAndGet(125_000_000L);
        assertThat(limiter.acquire("a")).as("half a token refilled").isEqualTo(125_000_000L);
        now.addAndGet(125_000_000L);
        assertThat(limiter.acquire("a")).isZero();
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("a"))
                    .as("refilled to the burst, not beyond")
                    .isZero();
        }
        assertThat(limiter.acquire("a")).isPositive();
    }

    @Test
    void rateZeroLimitsNothing() {
        RateLimiter limiter = new RateLimiter(0, 1, System::nanoTime);
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.acquire("a")).isZero();
        }
    }
}
