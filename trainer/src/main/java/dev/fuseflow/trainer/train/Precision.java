package dev.fuseflow.trainer.train;

import ai.djl.ndarray.types.DataType;

/**
 * How a step computes. FP32 everywhere (CPU default); or mixed: the model's weights and activations
 * in float16, float32 master weights that AdamW updates, a dynamic loss scale, log-softmax in
 * float32 (DJL has no bfloat16, PLATFORM.md).
 */
public enum Precision {
    FP32(DataType.FLOAT32), FP16_MIXED(DataType.FLOAT16);

    private final DataType computeType;

    Precision(DataType computeType) {
        this.computeType = computeType;
    }

    /** The type the model's weights and activations are held in. */
    public DataType computeType() {
        return computeType;
    }
}
