package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.optim.CosineWarmupSchedule;

/**
 * A stage's learning rate: a linear warm-up over {@code warmupRatio} of the stage, then a cosine
 * from {@code peak} down to {@code floorRatio} of it at the stage's end (and there after it).
 */
public record LearningRate(double peak, double warmupRatio, double floorRatio) {

    public LearningRate {
        Checks.require(peak > 0 && Double.isFinite(peak), "the learning rate must be a finite number > 0, got " + peak);
        Checks.require(warmupRatio >= 0 && warmupRatio < 1, "--warmup-ratio must lie in [0, 1), got " + warmupRatio);
        Checks.require(floorRatio >= 0 && floorRatio <= 1, "--min-lr-ratio must lie in [0, 1], got " + floorRatio);
    }

    /** The schedule over a stage of {@code length} (updates, or samples for a stage counted in samples). */
    public CosineWarmupSchedule over(long length) {
        long total = Math.max(1, length);
        return new CosineWarmupSchedule(peak, peak * floorRatio, Math.round(total * warmupRatio), total);
    }
}
