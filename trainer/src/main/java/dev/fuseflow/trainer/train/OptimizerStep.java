package dev.fuseflow.trainer.train;

import dev.fuseflow.trainer.optim.AdamW;

/** What a training loop needs from any objective's step besides training: cycle ends, checkpoints, health. */
public interface OptimizerStep {

    /** Applies the gradients of an unfinished accumulation cycle; true when that made an update. */
    boolean flushPending();

    /** The optimizer, whose state a checkpoint saves and restores. */
    AdamW optimizer();

    /** Updates skipped so far because a loss or the gradients were not finite. */
    long skippedUpdates();
}
