package dev.fuseflow.trainer.train;

import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;

/**
 * How gradients become updates, for every objective: the learning-rate schedule, AdamW's settings,
 * the global gradient-norm limit, the micro-batches accumulated per update, and the precision.
 */
public record UpdateSettings(CosineWarmupSchedule schedule, AdamW.Settings adam, double maxGradNorm, int accumulation,
                             Precision precision) {

    /** In float32. */
    public UpdateSettings(CosineWarmupSchedule schedule, AdamW.Settings adam, double maxGradNorm, int accumulation) {
        this(schedule, adam, maxGradNorm, accumulation, Precision.FP32);
    }

    public UpdateSettings {
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("maximum gradient norm must be > 0, got " + maxGradNorm);
        }
        if (accumulation < 1) {
            throw new IllegalArgumentException("gradient accumulation must be at least 1 micro-batch, got " + accumulation);
        }
    }

    /** The paper's optimizer: AdamW without weight decay, clipping at 1.0, no accumulation. */
    public static UpdateSettings of(CosineWarmupSchedule schedule) {
        return new UpdateSettings(schedule, AdamW.Settings.PYTORCH, 1.0, 1);
    }
}
