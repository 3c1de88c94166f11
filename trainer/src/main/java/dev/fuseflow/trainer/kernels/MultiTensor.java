package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer's bookkeeping over every weight at once, through libtorch's multi-tensor
 * ({@code _foreach_}) kernels: unscaling, the global gradient norm, clipping, rounding the masters
 * into the weights and zeroing the gradients each take a few kernel launches and one JNI call for
 * the whole model, where per-weight DJL operations take one or more of each per weight. Native
 * only: callers keep their per-weight DJL path for when the library is not loaded.
 */
public final class MultiTensor {

    private MultiTensor() {}

    /** float32 copies of {@code gradients}, each multiplied by the 0-d {@code inverseScale} (null: none). */
    public static List<NDArray> widened(List<NDArray> gradients, NDArray inverseScale) {
        long[] handles = NativeOps.widenedCopies(
                handles(gradients, "gradient"), inverseScale == null ? 0L : PtHandles.of(inverseScale, "inverseScale"));
        List<NDArray> wide = new ArrayList<>(handles.length);
        for (int i = 0; i < handles.length; i++) {
            wide.add(PtHandles.wrap(handles[i], gradients.get(i)));
        }
        return wide;
    }

    /** The L2 norm of all {@code arrays} together, accumulated in float32; reads one number back from the device. */
    public static double globalNorm(List<NDArray> arrays) {
        if (arrays.isEmpty()) {
            return 0;
        }
        try (NDArray norm = PtHandles.wrap(NativeOps.globalNorm(handles(arrays, "array")), arrays.get(0))) {
            return norm.getFloat();
        }
    }

    /** Multiplies every array in place by the 0-d {@code factor} (on their device). */
    public static void scale(List<NDArray> arrays, NDArray factor) {
        NativeOps.scaleAll(handles(arrays, "array"), PtHandles.of(factor, "factor"));
    }

    /** {@code into[i] = from[i]}, cast to into's type, in place. */
    public static void copy(List<NDArray> into, List<NDArray> from) {
        if (into.size() != from.size()) {
            throw new IllegalArgumentException(
                    "a multi-tensor copy wants one source per target: " + into.size() + " and " + from.size());
        }
        NativeOps.copyAll(handles(into, "target"), handles(from, "source"));
    }

    /** Zeroes every array in place. */
    public static void zero(List<NDArray> arrays) {
        NativeOps.zeroAll(handles(arrays, "array"));
    }

    static long[] handles(List<NDArray> arrays, String name) {
        long[] handles = new long[arrays.size()];
        for (int i = 0; i < handles.length; i++) {
            handles[i] = PtHandles.of(arrays.get(i), name + " " + i);
        }
        return handles;
    }
}
