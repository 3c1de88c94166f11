package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * What every architecture's forward pass reads from its inputs, in either of the two forms of
 * {@link CausalLanguageModel}: from (token ids, attention mask[, past keys and values]) the
 * causal-and-padding bias and the positions are derived here (with scored rows and targets
 * instead of a cache: {@link #maskedScoring}); the packed form (token ids, positions, attention
 * bias[, scored rows, targets]) brings its own, for layouts a mask cannot
 * describe (a shared prompt).
 *
 * @param tokens    token ids (B, T)
 * @param positions position of each token (B, T), integer
 * @param bias      additive attention bias (B, 1, T, S) in the model's compute type
 * @param past      keys and values of every layer, empty without a KV cache
 * @param scored    the positions to score and their next tokens, or null for logits everywhere
 */
public record ForwardInputs(NDArray tokens, NDArray positions, NDArray bias, NDList past, ScoredTokens scored) {

    /**
     * Which positions a forward pass scores, and the token each one predicts: the model then
     * returns log p(targets[n] | position rows[n]) (N) in float32 instead of logits (B, T, V), and
     * never forms logits for the other positions (a shared prompt's, padding).
     *
     * @param rows    flat indices {@code row * T + position} into the (B, T) positions, (N) int64
     * @param targets the token each scored position predicts, (N) int64
     */
    public record ScoredTokens(NDArray rows, NDArray targets) {}

    /** Inputs of the packed form: token ids, positions and an attention bias of four dimensions. */
    public static NDList packed(NDArray tokens, NDArray positions, NDArray bias) {
        return new NDList(tokens, positions, bias);
    }

    /** The packed form scoring only {@code scored}: the model returns (N) log-probs, not logits. */
    public static NDList packedScoring(NDArray tokens, NDArray positions, NDArray bias, ScoredTokens scored) {
        return new NDList(tokens, positions, bias, scored.rows(), scored.targets());
    }

    /** The mask form scoring only {@code scored}: token ids (B, T), mask (B, T); (N) log-probs come back. */
    public static NDList maskedScoring(NDArray tokens, NDArray mask, ScoredTokens scored) {
        return new NDList(tokens, mask, scored.rows(), scored.targets());
    }

    /** Reads either form; the bias comes back in {@code computeType}. */
    public static ForwardInputs read(NDList inputs, DataType computeType) {
        NDArray tokens = inputs.get(0); // (B, T)
        if (isPacked(inputs)) {
            NDArray bias = inputs.get(2); // (B, 1, T, T)
            return new ForwardInputs(
                    tokens,
                    inputs.get(1),
                    bias.getDataType() == computeType ? bias : bias.toType(computeType, false),
                    new NDList(),
                    inputs.size() == 5 ? new ScoredTokens(inputs.get(3), inputs.get(4)) : null);
        }
        NDArray mask = inputs.get(1); // (B, S): past + T
        long fresh = tokens.getShape().get(1);
        boolean scoring = isMaskedScoring(inputs);
        return new ForwardInputs(
                tokens,
                AttentionMasks.positions(mask, fresh),
                AttentionMasks.bias(mask, computeType, fresh),
                scoring ? new NDList() : inputs.subNDList(2),
                scoring ? new ScoredTokens(inputs.get(2), inputs.get(3)) : null);
    }

    /** Mask form with scored rows and targets: four inputs, the third one-dimensional (a cache's keys have four). */
    static boolean isMaskedScoring(NDList inputs) {
        return inputs.size() == 4 && inputs.get(2).getShape().dimension() == 1;
    }

    /**
     * Packed: three inputs (or five, with scored rows and targets), the third an attention bias
     * (B, 1, T, T); a mask has two dimensions, and a cache brings an even number of arrays.
     */
    static boolean isPacked(NDList inputs) {
        return (inputs.size() == 3 || inputs.size() == 5)
                && inputs.get(2).getShape().dimension() == 4;
    }
}
