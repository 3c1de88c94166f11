package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.train.Precision;
import dev.fuseflow.trainer.train.UpdateSettings;

/**
 * How every stage turns gradients into updates: AdamW's weight decay, the global gradient-norm
 * limit, the micro-batches accumulated per update, the precision, and whether each decoder layer's
 * activations are recomputed in the backward instead of kept ({@code --activation-checkpointing}).
 */
public record Optimization(
        double weightDecay, double maxGradNorm, int accumulation, Precision precision, boolean checkpointLayers) {

    /** Without activation checkpointing. */
    public Optimization(double weightDecay, double maxGradNorm, int accumulation, Precision precision) {
        this(weightDecay, maxGradNorm, accumulation, precision, false);
    }

    public Optimization {
        Checks.require(
                weightDecay >= 0 && Double.isFinite(weightDecay), "--weight-decay must be >= 0, got " + weightDecay);
        Checks.require(
                maxGradNorm > 0 && Double.isFinite(maxGradNorm), "--max-grad-norm must be > 0, got " + maxGradNorm);
        Checks.require(accumulation >= 1, "--accumulation must be >= 1, got " + accumulation);
        Checks.require(precision != null, "--precision is required");
    }

    UpdateSettings with(CosineWarmupSchedule schedule) {
        return new UpdateSettings(
                        schedule,
                        new AdamW.Settings(0.9, 0.999, 1e-8, weightDecay),
                        maxGradNorm,
                        accumulation,
                        precision)
                .checkpointingLayers(checkpointLayers);
    }
}
