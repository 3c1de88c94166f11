package dev.fuseflow.trainer.objective;

import ai.djl.ndarray.NDArray;
import dev.fuseflow.trainer.model.Scalar;

/**
 * SFT loss: the mean negative log-likelihood of the response tokens of y_ws given x,
 * {@code -sum(mask * logp_token) / sum(mask)} over the whole batch (every response token counts
 * once, as in the paper's SFT stage).
 */
public final class SftLoss {

    private SftLoss() {}

    /**
     * @param tokenLogps log-probability of each target token, shape (B, T)
     * @param mask       1 for response tokens, 0 for prompt and padding, shape (B, T)
     */
    public static NDArray compute(NDArray tokenLogps, NDArray mask) {
        NDArray m = mask.stopGradient();
        return tokenLogps.mul(m).sum().neg().div(m.sum());
    }

    /** The same from the log-probs of the batch's scored response tokens alone, (N): {@code -sum / N}. */
    public static NDArray compute(NDArray scoredTokenLogps) {
        return scoredTokenLogps.sum().neg().div(Scalar.like(scoredTokenLogps, scoredTokenLogps.size()));
    }
}
