package dev.fuseflow.trainer.train;

import ai.djl.ndarray.types.DataType;
import java.util.Map;

/**
 * How a step computes. FP32 everywhere (CPU default); TF32, float32 whose matrix products run on
 * tensor cores with a 10-bit mantissa (Ampere and newer GPUs); or FP16_MIXED: the model's weights
 * and activations in float16, float32 master weights that AdamW updates, a dynamic loss scale,
 * log-softmax in float32. DJL has no bfloat16 (docs/platform.md), hence no BF16 mode.
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    TF32(DataType.FLOAT32),
    FP16_MIXED(DataType.FLOAT16);

    /** libtorch reads this once, when it loads: TF32 cannot be switched on from Java afterwards. */
    public static final String TF32_SWITCH = "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE";

    private final DataType computeType;

    Precision(DataType computeType) {
        this.computeType = computeType;
    }

    /** The type the model's weights and activations are held in. */
    public DataType computeType() {
        return computeType;
    }

    /** Fails, saying what to set, when this mode needs the process started differently. */
    public void requireAvailable(Map<String, String> environment) {
        if (this == TF32 && !"1".equals(environment.get(TF32_SWITCH))) {
            throw new IllegalArgumentException(
                    "--precision TF32 needs " + TF32_SWITCH + "=1 in the environment before the JVM starts"
                            + " (libtorch reads it once at load); the runtime image's launchers set it when they see TF32");
        }
    }
}
