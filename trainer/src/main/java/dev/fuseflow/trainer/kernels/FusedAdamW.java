package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One AdamW step over all weights at once through libtorch's multi-tensor fused kernel
 * ({@code at::_fused_adamw_}; CUDA, and the CPU since libtorch 2.4): a handful of kernel launches per update instead of about
 * ten per weight. Native only: without the library FuseFlow's own {@code optim.AdamW} runs.
 */
public final class FusedAdamW {

    private FusedAdamW() {}

    /**
     * AdamW's hyperparameters, as {@code torch.optim.AdamW} names them.
     *
     * @param lr          learning rate
     * @param beta1       first-moment decay
     * @param beta2       second-moment decay
     * @param weightDecay decoupled weight decay (the weight shrinks by lr · weightDecay)
     * @param eps         added to the bias-corrected second moment's square root
     */
    public record Hyperparameters(double lr, double beta1, double beta2, double weightDecay, double eps) {

        double[] asArray() {
            return new double[] {lr, beta1, beta2, weightDecay, eps};
        }
    }

    /**
     * The weights and their optimizer state, one entry per weight in every list, all on one
     * device; weights, gradients and moments in one floating type (the float32 masters).
     *
     * @param weights     updated in place
     * @param gradients   read (divided by the grad scale, if any)
     * @param expAvgs     first moments, updated in place
     * @param expAvgSqs   second moments, updated in place
     * @param steps       float32 0-d tensors holding each weight's step count, already incremented for this step
     */
    public record State(
            List<NDArray> weights,
            List<NDArray> gradients,
            List<NDArray> expAvgs,
            List<NDArray> expAvgSqs,
            List<NDArray> steps) {}

    /**
     * Updates {@code state} in place.
     *
     * @param gradScale a 0-d float32 loss scale the gradients are divided by, or null for none
     * @param foundInf  a 0-d float32 flag, non-zero to skip the step (an overflowed gradient), or null
     * @throws NativeKernelException where the library is not loaded
     */
    public static void step(State state, Hyperparameters hyperparameters, NDArray gradScale, NDArray foundInf) {
        if (!NativeKernels.available()) {
            throw new NativeKernelException(
                    "fused AdamW needs FuseFlow's native kernels: set " + NativeKernels.LIBRARY_VARIABLE
                            + " to a libfuseflow_kernels.so built by bin/fuseflow-native-build");
        }
        NativeOps.fusedAdamW(
                MultiTensor.handles(state.weights(), "weight"),
                MultiTensor.handles(state.gradients(), "gradient"),
                MultiTensor.handles(state.expAvgs(), "first moment"),
                MultiTensor.handles(state.expAvgSqs(), "second moment"),
                MultiTensor.handles(state.steps(), "step"),
                hyperparameters.asArray(),
                gradScale == null ? 0L : PtHandles.of(gradScale, "gradScale"),
                foundInf == null ? 0L : PtHandles.of(foundInf, "foundInf"));
    }
}
