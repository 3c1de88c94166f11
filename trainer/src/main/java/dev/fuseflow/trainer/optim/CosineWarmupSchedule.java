package dev.fuseflow.trainer.optim;

/**
 * Learning rate with linear warm-up then cosine decay (the paper: 3e-7 peak, 10 % warm-up):
 *
 * <pre>
 *   lr(t) = peak * (t + 1) / warmup                                       for t < warmup
 *   lr(t) = floor + (peak - floor) * (1 + cos(pi * progress)) / 2         after, progress = (t - warmup) / (total - warmup)
 * </pre>
 *
 * A streaming trainer has no natural end: past {@code totalUpdates} the rate stays at {@code floor}.
 */
public record CosineWarmupSchedule(double peak, double floor, long warmupUpdates, long totalUpdates) {

    public CosineWarmupSchedule {
        if (!(peak > 0) || !Double.isFinite(peak)) {
            throw new IllegalArgumentException("peak learning rate must be a finite number > 0, got " + peak);
        }
        if (!(floor >= 0 && floor <= peak)) {
            throw new IllegalArgumentException("floor learning rate must lie in [0, peak " + peak + "], got " + floor);
        }
        if (warmupUpdates < 0 || totalUpdates < 1 || warmupUpdates > totalUpdates) {
            throw new IllegalArgumentException("need 0 <= warm-up updates <= total updates and total >= 1, got warm-up "
                    + warmupUpdates + " and total " + totalUpdates);
        }
    }

    /** The paper's shape: 10 % of {@code totalUpdates} warm-up, decay to 0. */
    public static CosineWarmupSchedule paper(double peak, long totalUpdates) {
        return new CosineWarmupSchedule(peak, 0.0, Math.max(1, totalUpdates / 10), totalUpdates);
    }

    /** The rate for update {@code t} (0-based: the update about to be applied). */
    public double learningRate(long t) {
        if (t < warmupUpdates) {
            return peak * (t + 1) / warmupUpdates;
        }
        if (t >= totalUpdates) {
            return floor;
        }
        double progress = (double) (t - warmupUpdates) / Math.max(1, totalUpdates - warmupUpdates);
        return floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
