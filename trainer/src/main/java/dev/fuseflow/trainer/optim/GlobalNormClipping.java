package dev.fuseflow.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * Scales all gradients together so that their joint L2 norm is at most {@code maxNorm}, as
 * PyTorch's {@code clip_grad_norm_} does. Written here because DJL's {@code optClipGrad} clamps each
 * element to {@code [-c, c]} on one side only (PLATFORM.md), which changes gradient directions.
 */
public final class GlobalNormClipping {

    private GlobalNormClipping() {
    }

    /**
     * Clips in place and returns the norm before clipping (the {@code grad_norm} metric). A
     * non-finite norm is returned as is and nothing is scaled: the caller must skip the update.
     */
    public static double clip(List<NDArray> gradients, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maximum gradient norm must be > 0, got " + maxNorm);
        }
        double squared = 0;
        for (NDArray g : gradients) {
            // The intermediates land in the gradient's (root) manager: closed here at once.
            try (NDArray wide = g.toType(DataType.FLOAT64, true); NDArray square = wide.square(); NDArray sum = square.sum()) {
                squared += sum.getDouble();
            }
        }
        double norm = Math.sqrt(squared);
        if (!Double.isFinite(norm) || norm <= maxNorm) {
            return norm;
        }
        double scale = maxNorm / (norm + 1e-6);
        for (NDArray g : gradients) {
            g.muli(scale);
        }
        return norm;
    }
}
