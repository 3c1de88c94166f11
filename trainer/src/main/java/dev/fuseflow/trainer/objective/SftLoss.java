package dev.fuseflow.trainer.objective;

import ai.djl.ndarray.NDArray;

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

    /** The same over the whole micro-batch from its scored responses: {@code -sum(logp(y)) / sum(|y|)}. */
    public static NDArray compute(ResponseLogps.Result scored) {
        return scored.logps().sum().neg().div(scored.tokens().sum());
    }
}
