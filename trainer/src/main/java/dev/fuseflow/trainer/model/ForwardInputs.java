package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * What every architecture's forward pass reads from its inputs, in either of the two forms of
 * {@link CausalLanguageModel}: from (token ids, attention mask[, past keys and values]) the
 * causal-and-padding bias and the positions are derived here; the packed form (token ids,
 * positions, attention bias) brings its own, for layouts a mask cannot describe (a shared prompt).
 *
 * @param tokens    token ids (B, T)
 * @param positions position of each token (B, T), integer
 * @param bias      additive attention bias (B, 1, T, S) in the model's compute type
 * @param past      keys and values of every layer, empty without a KV cache
 */
public record ForwardInputs(NDArray tokens, NDArray positions, NDArray bias, NDList past) {

    /** Inputs of the packed form: token ids, positions and an attention bias of four dimensions. */
    public static NDList packed(NDArray tokens, NDArray positions, NDArray bias) {
        return new NDList(tokens, positions, bias);
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
                    new NDList());
        }
        NDArray mask = inputs.get(1); // (B, S): past + T
        long fresh = tokens.getShape().get(1);
        return new ForwardInputs(
                tokens,
                AttentionMasks.positions(mask, fresh),
                AttentionMasks.bias(mask, computeType, fresh),
                inputs.subNDList(2));
    }

    /** Packed: exactly three inputs, the third an attention bias (B, 1, T, T); a mask has two dimensions. */
    static boolean isPacked(NDList inputs) {
        return inputs.size() == 3 && inputs.get(2).getShape().dimension() == 4;
    }
}
