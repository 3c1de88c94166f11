package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;

/**
 * Scaled-dot-product attention, softmax(q kᵀ · scale + bias) v, for the attention blocks: natively
 * ({@code at::scaled_dot_product_attention}, flash or memory-efficient kernels) where
 * {@link NativeKernels} has loaded FuseFlow's library, else as DJL matrix products. Both keep the
 * autograd graph to q, k and v.
 *
 * <p>Shapes: queries (B, nh, T, d); keys and values (B, nkv, S, d) where nkv divides nh, each
 * key/value head shared by nh / nkv consecutive query heads (Hugging Face's {@code repeat_kv}
 * order); the result (B, nh, T, d) in q's type. q, k and v share one floating type.
 */
public interface AttentionKernel {

    /**
     * Attention under an additive bias (B, 1, T, S), 0 where query i may see key j and a large
     * negative value ({@code AttentionMasks}' -1e4) elsewhere; it holds causality and padding both.
     * A bias of another type is converted to q's (clamped to q's finite range). Every query row must
     * see at least one key, or its softmax is undefined (NaN natively where all are -inf).
     */
    NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, double scale);

    /**
     * Causal attention without a bias tensor: query i sees keys 0..i (T == S, a training forward
     * pass without padding inside the sequence). Natively this is flash attention, the fastest path.
     */
    NDArray attendCausal(NDArray q, NDArray k, NDArray v, double scale);

    /** True for libtorch's kernels, false for the DJL fallback. */
    boolean isNative();

    /** The native kernel where the library is loaded ({@link NativeKernels#available()}), else the DJL one. */
    static AttentionKernel best() {
        return NativeKernels.available() ? new NativeAttention() : new DjlAttention();
    }

    /** The pure-DJL kernel, whatever is loaded (the reference of the GPU check). */
    static AttentionKernel djl() {
        return new DjlAttention();
    }

    /**
     * The native kernel.
     *
     * @throws NativeKernelException where {@value NativeKernels#LIBRARY_VARIABLE} names no library
     */
    static AttentionKernel nativeKernel() {
        if (!NativeKernels.available()) {
            throw new NativeKernelException("native attention asked for but " + NativeKernels.LIBRARY_VARIABLE
                    + " is not set: set it to a" + " libfuseflow_kernels.so built by bin/fuseflow-native-build");
        }
        return new NativeAttention();
    }
}
