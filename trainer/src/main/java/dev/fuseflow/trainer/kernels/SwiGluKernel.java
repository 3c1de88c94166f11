package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * SwiGLU's gating, {@code silu(gate) * up}. Natively libtorch's SiLU, one kernel whose backward keeps
 * only the gate; without the library {@code gate * sigmoid(gate) * up}, which also keeps the sigmoid
 * and the product for backward.
 */
public final class SwiGluKernel {

    private SwiGluKernel() {}

    /** gate and up (..., I), the result (..., I) in their type, belonging to gate's manager. */
    public static NDArray apply(NDArray gate, NDArray up) {
        return NativeKernels.available() ? nativeApply(gate, up) : djlApply(gate, up);
    }

    /** The native kernel, whatever {@link NativeKernels#available()} says (for the GPU check). */
    static NDArray nativeApply(NDArray gate, NDArray up) {
        return PtHandles.wrap(NativeOps.swiGlu(PtHandles.of(gate, "gate"), PtHandles.of(up, "up")), gate);
    }

    /** The pure-DJL math. */
    public static NDArray djlApply(NDArray gate, NDArray up) {
        return gate.mul(Activation.sigmoid(gate)).mul(up); // silu(x) = x * sigmoid(x)
    }
}
