package dev.fuseflow.trainer.model.llama;

import java.util.List;
import java.util.Objects;

/**
 * Settings of the Llama family (Llama, Qwen2, Qwen3, Mistral share these blocks), grouped by
 * concept and named after Hugging Face's {@code config.json}: {@code vocab_size},
 * {@code hidden_size}, {@code num_hidden_layers}, the attention, the MLP, the rotary embedding,
 * {@code rms_norm_eps} and {@code tie_word_embeddings}. Each architecture package reads its own
 * {@code config.json} into one of these.
 */
public record LlamaConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        Attention attention,
        Mlp mlp,
        Rope rope,
        float rmsNormEps,
        boolean tieWordEmbeddings) {

    /** Which of the attention's projections carry a bias. */
    public enum ProjectionBias {
        NONE,
        /** q, k and v only (Qwen2). */
        QKV,
        /** q, k, v and o ({@code attention_bias: true} in Llama and Qwen3). */
        ALL
    }

    /**
     * Grouped-query attention: {@code num_attention_heads} query heads of {@code head_dim}, sharing
     * {@code num_key_value_heads}; optional per-head RMSNorm of queries and keys before the rotary
     * embedding (Qwen3's {@code q_norm}, {@code k_norm}); a sliding window on the layers it names
     * (Mistral, and Qwen2/Qwen3 with {@code use_sliding_window}).
     */
    public record Attention(
            int heads, int keyValueHeads, int headDim, ProjectionBias bias, boolean qkNorm, SlidingWindow window) {

        public Attention {
            Objects.requireNonNull(bias, "bias");
            Objects.requireNonNull(window, "window");
            positive("num_attention_heads", heads);
            positive("num_key_value_heads", keyValueHeads);
            positive("head_dim", headDim);
            if (heads % keyValueHeads != 0) {
                throw new IllegalArgumentException(
                        "num_attention_heads " + heads + " is not divisible by num_key_value_heads " + keyValueHeads);
            }
            if (headDim % 2 != 0) {
                throw new IllegalArgumentException("head_dim " + headDim + " must be even for rotary embeddings");
            }
        }

        /** Llama's attention without biases, norms or window. */
        public static Attention plain(int heads, int keyValueHeads, int headDim) {
            return new Attention(heads, keyValueHeads, headDim, ProjectionBias.NONE, false, SlidingWindow.NONE);
        }

        /** Query heads that share one key/value head. */
        public int groups() {
            return heads / keyValueHeads;
        }
    }

    /**
     * A key j is visible to query i only when {@code i - j < size} (Hugging Face's sliding-window
     * mask, on token indices); {@code layers.get(n)} says whether layer n uses it.
     */
    public record SlidingWindow(int size, List<Boolean> layers) {

        public static final SlidingWindow NONE = new SlidingWindow(0, List.of());

        public SlidingWindow {
            layers = List.copyOf(layers);
            if (size < 0) {
                throw new IllegalArgumentException("sliding_window must be >= 1, got " + size);
            }
        }

        /** The window of layer {@code layer}, 0 for full attention. */
        public int sizeAt(int layer) {
            return layer < layers.size() && layers.get(layer) ? size : 0;
        }
    }

    /** SwiGLU feed-forward of {@code intermediate_size}, with biases when {@code mlp_bias}. */
    public record Mlp(int intermediateSize, boolean bias) {

        public Mlp {
            positive("intermediate_size", intermediateSize);
        }
    }

    /** Rotary embedding: {@code rope_theta}, the context length and the scaling of {@code rope_parameters}. */
    public record Rope(double theta, int maxPositionEmbeddings, RopeScaling scaling) {

        public Rope {
            Objects.requireNonNull(scaling, "scaling");
            positive("max_position_embeddings", maxPositionEmbeddings);
            if (!(theta > 1)) {
                throw new IllegalArgumentException("rope_theta must be > 1, got " + theta);
            }
        }
    }

    public LlamaConfig {
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(rope, "rope");
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        if (!(rmsNormEps > 0)) {
            throw new IllegalArgumentException("rms_norm_eps must be > 0, got " + rmsNormEps);
        }
    }

    /**
     * Plain Llama (no biases, untied, unscaled rotary with theta 10,000, epsilon 1e-6) with
     * {@code head_dim = hidden_size / heads}: the shape FuseFlow's own fresh models and benchmarks use.
     */
    public static LlamaConfig of(
            int vocabSize,
            int hiddenSize,
            int intermediateSize,
            int numHiddenLayers,
            int heads,
            int keyValueHeads,
            int maxPositionEmbeddings) {
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + heads);
        }
        return new LlamaConfig(
                vocabSize,
                hiddenSize,
                numHiddenLayers,
                Attention.plain(heads, keyValueHeads, hiddenSize / heads),
                new Mlp(intermediateSize, false),
                new Rope(10_000, maxPositionEmbeddings, new RopeScaling.Default()),
                1e-6f,
                false);
    }

    public int intermediateSize() {
        return mlp.intermediateSize();
    }

    public int numAttentionHeads() {
        return attention.heads();
    }

    public int numKeyValueHeads() {
        return attention.keyValueHeads();
    }

    public int headDim() {
        return attention.headDim();
    }

    /** Query heads that share one key/value head. */
    public int groups() {
        return attention.groups();
    }

    public double ropeTheta() {
        return rope.theta();
    }

    public int maxPositionEmbeddings() {
        return rope.maxPositionEmbeddings();
    }

    private static void positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + value);
        }
    }
}
