package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.model.Scalar;

/**
 * RMSNorm over the last axis, {@code x / sqrt(mean(x²) + eps) · weight}, in x's type. Natively the
 * statistics run in float32 and the normalised row is cast back with the graph kept (Hugging Face's
 * LlamaRMSNorm); without the library, float32 inputs run directly and float16 inputs divide each
 * row by its largest |x| first (exact, and nothing overflows), the math of the Llama block.
 */
public final class RmsNormKernel {

    /** The smallest row scale of the float16 fallback, so that an all-zero row divides by a number. */
    private static final double MIN_ROW_SCALE = 0.01;

    private RmsNormKernel() {}

    /** x (..., C) normalised and scaled by weight (C); the result belongs to x's manager. */
    public static NDArray normalize(NDArray x, NDArray weight, double eps) {
        return NativeKernels.available() ? nativeNormalize(x, weight, eps) : djlNormalize(x, weight, eps);
    }

    /** The native kernel, whatever {@link NativeKernels#available()} says (for the GPU check). */
    static NDArray nativeNormalize(NDArray x, NDArray weight, double eps) {
        return PtHandles.wrap(NativeOps.rmsNorm(PtHandles.of(x, "x"), PtHandles.of(weight, "weight"), eps), x);
    }

    /** The pure-DJL math. */
    public static NDArray djlNormalize(NDArray x, NDArray weight, double eps) {
        NDArray normalized = x.getDataType() == DataType.FLOAT16
                ? inFloat16(x, eps)
                : x.div(x.square()
                        .mean(new int[] {-1}, true)
                        .add(Scalar.constant(x, eps))
                        .sqrt()); // rms (..., 1)
        return normalized.mul(weight);
    }

    /**
     * x / sqrt(mean(x²) + eps) = x' / sqrt(mean(x'²) + eps / s²) for x' = x / s with s the row's
     * largest |x|: squares of float16 overflow past 256, and s is a constant of the step (no
     * gradient flows through it), so the gradient is exact.
     */
    private static NDArray inFloat16(NDArray x, double eps) {
        NDArray s = x.stopGradient()
                .abs()
                .max(new int[] {-1}, true)
                .maximum(Scalar.constant(x, MIN_ROW_SCALE)); // no-grad (..., 1)
        NDArray squared = s.toType(DataType.FLOAT32, false).square(); // no-grad (..., 1)
        NDArray epsScaled = squared.pow(Scalar.constant(squared, -1))
                .mul(Scalar.constant(squared, eps))
                .toType(DataType.FLOAT16, false); // no-grad (..., 1)
        NDArray scaled = x.div(s); // (..., C), |x'| <= 1
        return scaled.div(
                scaled.square().mean(new int[] {-1}, true).add(epsScaled).sqrt());
    }
}
