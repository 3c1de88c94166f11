package dev.fuseflow.trainer.train;

import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import java.util.function.LongSupplier;

/**
 * How gradients become updates, for every objective: the learning-rate schedule, AdamW's settings,
 * the global gradient-norm limit, the micro-batches accumulated per update, and the precision.
 * {@code schedulePosition} says where on the schedule an update stands; null means the number of
 * updates applied so far. {@code checkpointLayers}: recompute each decoder layer in the backward
 * instead of keeping its activations ({@code ActivationCheckpoints}).
 */
public record UpdateSettings(
        CosineWarmupSchedule schedule,
        AdamW.Settings adam,
        double maxGradNorm,
        int accumulation,
        Precision precision,
        LongSupplier schedulePosition,
        boolean checkpointLayers) {

    public UpdateSettings(
            CosineWarmupSchedule schedule,
            AdamW.Settings adam,
            double maxGradNorm,
            int accumulation,
            Precision precision) {
        this(schedule, adam, maxGradNorm, accumulation, precision, null, false);
    }

    /** In float32. */
    public UpdateSettings(CosineWarmupSchedule schedule, AdamW.Settings adam, double maxGradNorm, int accumulation) {
        this(schedule, adam, maxGradNorm, accumulation, Precision.FP32);
    }

    public UpdateSettings {
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("maximum gradient norm must be > 0, got " + maxGradNorm);
        }
        if (accumulation < 1) {
            throw new IllegalArgumentException(
                    "gradient accumulation must be at least 1 micro-batch, got " + accumulation);
        }
    }

    /**
     * The same settings with the schedule read at {@code position} instead of the update count: a
     * stage whose length is counted in samples (SFT's) follows its schedule by samples, whatever
     * the size of its micro-batches.
     */
    public UpdateSettings scheduledBy(LongSupplier position) {
        return new UpdateSettings(schedule, adam, maxGradNorm, accumulation, precision, position, checkpointLayers);
    }

    /** The same settings with activation checkpointing per decoder layer on or off. */
    public UpdateSettings checkpointingLayers(boolean on) {
        return new UpdateSettings(schedule, adam, maxGradNorm, accumulation, precision, schedulePosition, on);
    }

    /** The paper's optimizer: AdamW without weight decay, clipping at 1.0, no accumulation. */
    public static UpdateSettings of(CosineWarmupSchedule schedule) {
        return new UpdateSettings(schedule, AdamW.Settings.PYTORCH, 1.0, 1);
    }
}
