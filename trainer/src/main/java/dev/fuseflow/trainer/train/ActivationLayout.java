package dev.fuseflow.trainer.train;

/**
 * How a WRPO update's activations are laid out and kept, which decides most of its memory.
 *
 * @param promptLength     prompt tokens of each sequence (the shared layout runs them once per sample)
 * @param sharedPrompt     x y_ws y_wt y_l in one row per sample ({@link BatchLogps.Layout#SHARED_PROMPT}),
 *                         else three rows x y
 * @param nativeKernels    FuseFlow's native kernels run the update: fused attention, which keeps no T x T
 *                         attention probabilities for the backward, and the fused RMSNorm and SwiGLU,
 *                         which keep less than their compositions of DJL operations
 * @param checkpointLayers each decoder layer recomputed in the backward ({@code --activation-checkpointing})
 */
public record ActivationLayout(
        int promptLength, boolean sharedPrompt, boolean nativeKernels, boolean checkpointLayers) {

    /** Three rows per sample, DJL's attention, every layer's activations kept: what {@code db00836} ran. */
    public static final ActivationLayout SEPARATE_ROWS = new ActivationLayout(0, false, false, false);

    public ActivationLayout {
        if (promptLength < 0) {
            throw new IllegalArgumentException("prompt length must be >= 0, got " + promptLength);
        }
    }

    /** What the trainer runs by default: the shared prompt, with the native kernels where they are loaded. */
    public static ActivationLayout trainerDefault(int promptLength, boolean nativeKernels) {
        return new ActivationLayout(promptLength, true, nativeKernels, false);
    }

    public ActivationLayout checkpointingLayers(boolean on) {
        return new ActivationLayout(promptLength, sharedPrompt, nativeKernels, on);
    }
}
