package dev.fuseflow.trainer.kernels;

/**
 * The JNI functions of {@code libfuseflow_kernels} (trainer/src/main/native/fuseflow_kernels.cc).
 * Every argument named after a tensor is a DJL PyTorch array's handle (a {@code torch::Tensor*});
 * every {@code long} returned is a new tensor's handle for a {@code PtNDArray} to own. Call only
 * after {@link NativeKernels} has loaded the library.
 */
final class NativeOps {

    private NativeOps() {}

    /** The libtorch version the library was compiled against, e.g. {@code 2.11.0}. */
    static native String torchVersion();

    /**
     * {@code at::scaled_dot_product_attention}: query (B, nh, T, d), key and value (B, nkv, S, d),
     * mask an additive (B, 1, T, S) bias or 0 for none, scale NaN for libtorch's 1/sqrt(d).
     */
    static native long scaledDotProductAttention(
            long query, long key, long value, long mask, boolean isCausal, double scale);

    /** {@code x.to(scalarType)} with autograd recording it; scalarType is a {@code c10::ScalarType} number. */
    static native long castKeepingGraph(long x, int scalarType);

    /** Hugging Face's LlamaRMSNorm with float32 statistics ({@code at::rms_norm}); weight 0 for none. */
    static native long rmsNorm(long x, long weight, double eps);

    /** {@code silu(gate) * up}, differentiable in both. */
    static native long swiGlu(long gate, long up);

    /** Starts libtorch's Kineto profiler on this thread: operators, and with cuda the GPU kernels; with memory, allocations. */
    static native void startKernelProfile(boolean cuda, boolean memory);

    /** Stops the profiler {@link #startKernelProfile} started and writes its Chrome trace to path. */
    static native void stopKernelProfile(String path);

    /**
     * log_softmax(hidden weightᵀ)[n, targets[n]] for hidden (N, C), weight (V, C), targets (N):
     * (N) float32, differentiable in hidden and weight, chunkRows rows of logits at a time.
     */
    static native long tokenLogps(long hidden, long weight, long targets, long chunkRows);

    /**
     * {@code at::_fused_adamw_} over all weights in place; hyperparameters {lr, beta1, beta2,
     * weightDecay, eps}; gradScale and foundInf 0 for none.
     */
    static native void fusedAdamW(
            long[] params,
            long[] grads,
            long[] expAvgs,
            long[] expAvgSqs,
            long[] steps,
            double[] hyperparameters,
            long gradScale,
            long foundInf);

    /** float32 copies of gradients, each times inverseScale (0: none): new handles. */
    static native long[] widenedCopies(long[] gradients, long inverseScale);

    /** The L2 norm of all arrays together: a new 0-d float32 handle. */
    static native long globalNorm(long[] arrays);

    /** Every array times the 0-d factor, in place. */
    static native void scaleAll(long[] arrays, long factor);

    /** into[i] = from[i] cast to into's type, in place. */
    static native void copyAll(long[] into, long[] from);

    /** Every array zeroed in place. */
    static native void zeroAll(long[] arrays);
}
