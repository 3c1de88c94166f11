package dev.fuseflow.trainer.model.llama;

/**
 * Llama architecture settings, named after Hugging Face's {@code config.json}: {@code vocab_size},
 * {@code hidden_size}, {@code intermediate_size}, {@code num_hidden_layers},
 * {@code num_attention_heads}, {@code num_key_value_heads} (grouped-query attention),
 * {@code rms_norm_eps}, {@code rope_theta}, {@code max_position_embeddings}.
 */
// More than eight components: mirrors config.json, read by name from it; the checkpoints issue (17) groups it by
// concept.
@SuppressWarnings("checkstyle:RecordComponentNumber")
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        float rmsNormEps,
        double ropeTheta,
        int maxPositionEmbeddings) {

    public LlamaConfig {
        for (int[] field : new int[][] {
            {vocabSize},
            {hiddenSize},
            {intermediateSize},
            {numHiddenLayers},
            {numAttentionHeads},
            {numKeyValueHeads},
            {maxPositionEmbeddings}
        }) {
            if (field[0] < 1) {
                throw new IllegalArgumentException("every size of a Llama config must be >= 1, got " + field[0]);
            }
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not divisible by num_key_value_heads " + numKeyValueHeads);
        }
        if ((hiddenSize / numAttentionHeads) % 2 != 0) {
            throw new IllegalArgumentException(
                    "head size " + hiddenSize / numAttentionHeads + " must be even for rotary embeddings");
        }
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Query heads that share one key/value head. */
    public int groups() {
        return numAttentionHeads / numKeyValueHeads;
    }
}
