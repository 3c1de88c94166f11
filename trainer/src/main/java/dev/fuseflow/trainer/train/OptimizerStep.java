package dev.fuseflow.trainer.train;

import ai.djl.ndarray.NDArray;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.optim.AdamW;
import java.util.Map;

/** What a training loop needs from any objective's step besides training: cycle ends, checkpoints, health. */
public interface OptimizerStep {

    /** Applies the gradients of an unfinished accumulation cycle; true when that made an update. */
    boolean flushPending();

    /** The optimizer, whose state a checkpoint saves and restores. */
    AdamW optimizer();

    /** Updates skipped so far because a loss or the gradients were not finite. */
    long skippedUpdates();

    /** Arrays a checkpoint must save to continue exactly (AdamW's moments, mixed precision's masters); still owned here. */
    Map<String, NDArray> checkpointArrays();

    /** Scalars a checkpoint must save with them (update count, loss scale). */
    Map<String, String> checkpointMetadata();

    /** Continues from what a checkpoint saved of {@link #checkpointArrays} and {@link #checkpointMetadata}. */
    void restore(Map<String, Tensor> arrays, Map<String, String> metadata);
}
