package dev.fuseflow.trainer.train;

import java.util.Arrays;

/**
 * A tokenized micro-batch of WRPO samples, as plain arrays so that it can be built on a
 * background thread without touching the engine. Each of y_ws, y_wt and y_l is a (B, T) matrix
 * of token ids (prompt, response, padding), its attention mask (1 real, 0 padding) and its
 * response mask (1 for response tokens).
 */
public record PreferenceBatch(Sequences sourceChosen, Sequences targetChosen, Sequences rejected, double[] weights) {

    /** Token ids, attention mask and response mask of B sequences of length T. */
    public record Sequences(long[][] tokens, long[][] attention, long[][] response) {
        Sequences slice(int from, int to) {
            return new Sequences(
                    Arrays.copyOfRange(tokens, from, to),
                    Arrays.copyOfRange(attention, from, to),
                    Arrays.copyOfRange(response, from, to));
        }
    }

    public int size() {
        return weights.length;
    }

    /** Samples {@code from} (inclusive) to {@code to} (exclusive): one device's share in data-parallel training. */
    public PreferenceBatch slice(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException(
                    "cannot slice samples [" + from + ", " + to + ") of a batch of " + size());
        }
        return new PreferenceBatch(
                sourceChosen.slice(from, to),
                targetChosen.slice(from, to),
                rejected.slice(from, to),
                Arrays.copyOfRange(weights, from, to));
    }
}
