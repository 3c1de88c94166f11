package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;

/** {@code at::scaled_dot_product_attention} through FuseFlow's library; libtorch picks flash or memory-efficient. */
final class NativeAttention implements AttentionKernel {

    @Override
    public NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, double scale) {
        AttentionShapes.groups(q, k, v);
        AttentionShapes.requireBias(bias, q, k);
        long out = NativeOps.scaledDotProductAttention(
                PtHandles.of(q, "q"),
                PtHandles.of(k, "k"),
                PtHandles.of(v, "v"),
                PtHandles.of(bias, "bias"),
                false,
                scale);
        return PtHandles.wrap(out, q); // (B, nh, T, d)
    }

    @Override
    public NDArray attendCausal(NDArray q, NDArray k, NDArray v, double scale) {
        AttentionShapes.groups(q, k, v);
        AttentionShapes.requireSquare(q, k);
        long out = NativeOps.scaledDotProductAttention(
                PtHandles.of(q, "q"), PtHandles.of(k, "k"), PtHandles.of(v, "v"), 0L, true, scale);
        return PtHandles.wrap(out, q); // (B, nh, T, d)
    }

    @Override
    public boolean isNative() {
        return true;
    }
}
