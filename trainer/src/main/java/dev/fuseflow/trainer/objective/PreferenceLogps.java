package dev.fuseflow.trainer.objective;

import ai.djl.ndarray.NDArray;

/**
 * Summed response log-probabilities of a batch under one model, one value per sample (shape (B)):
 * {@code logp(y) = sum_t log pi(y_t | x, y_<t)} over the response tokens only.
 *
 * @param sourceChosen   logp(y_ws)
 * @param targetChosen   logp(y_wt)
 * @param rejected       logp(y_l)
 */
public record PreferenceLogps(NDArray sourceChosen, NDArray targetChosen, NDArray rejected) {}
