package dev.fuseflow.trainer.optim;

/**
 * Dynamic loss scaling for fp16 compute with fp32 master weights (DJL has no bf16, docs/platform.md):
 * the loss is multiplied by {@link #scale()} before backward, gradients are divided by it before the
 * update; when any gradient is non-finite the update is skipped and the scale halves, and after
 * {@code growthInterval} clean updates in a row it doubles. The logic is engine-free so that it is
 * tested on CPU; the trainer feeds it whether the unscaled gradients were finite.
 */
public final class DynamicLossScaler {

    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private final double minScale;
    private double scale;
    private int cleanSteps;
    private long skipped;

    public DynamicLossScaler(
            double initialScale, double growthFactor, double backoffFactor, int growthInterval, double minScale) {
        if (!(initialScale > 0)
                || !(growthFactor > 1)
                || !(backoffFactor > 0 && backoffFactor < 1)
                || growthInterval < 1
                || !(minScale > 0)) {
            throw new IllegalArgumentException("loss scaler needs initial scale > 0, growth > 1, 0 < backoff < 1,"
                    + " growth interval >= 1, min scale > 0; got " + initialScale + ", " + growthFactor + ", "
                    + backoffFactor
                    + ", " + growthInterval + ", " + minScale);
        }
        this.scale = initialScale;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
        this.minScale = minScale;
    }

    /** PyTorch's GradScaler defaults: 2^16, x2 every 2000 clean steps, /2 on overflow. */
    public static DynamicLossScaler defaults() {
        return new DynamicLossScaler(65_536.0, 2.0, 0.5, 2_000, 1.0);
    }

    public double scale() {
        return scale;
    }

    /** Clean updates in a row since the scale last changed. */
    public int cleanSteps() {
        return cleanSteps;
    }

    /** Continues from a checkpoint's scale and clean-step count. */
    public void restore(double savedScale, int savedCleanSteps) {
        if (!(savedScale >= minScale) || savedCleanSteps < 0 || savedCleanSteps >= growthInterval) {
            throw new IllegalArgumentException(
                    "loss scaler state out of range: scale " + savedScale + ", clean steps " + savedCleanSteps);
        }
        this.scale = savedScale;
        this.cleanSteps = savedCleanSteps;
    }

    /** Updates skipped so far because of non-finite gradients. */
    public long skippedUpdates() {
        return skipped;
    }

    /**
     * Records the outcome of one backward pass; returns true when the optimizer may apply the
     * update, false when it must skip it.
     */
    public boolean update(boolean gradientsFinite) {
        if (!gradientsFinite) {
            scale = Math.max(minScale, scale * backoffFactor);
            cleanSteps = 0;
            skipped++;
            return false;
        }
        cleanSteps++;
        if (cleanSteps == growthInterval) {
            scale *= growthFactor;
            cleanSteps = 0;
        }
        return true;
    }
}
