package dev.fuseflow.trainer.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fuseflow.trainer.model.ConfigFields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code config.json} fields Llama, Qwen2, Qwen3 and Mistral share, read once for all four:
 * sizes, heads and {@code head_dim}, norm epsilon, the rotary embedding in both of transformers'
 * spellings ({@code rope_parameters} since 5, {@code rope_theta} + {@code rope_scaling} before),
 * tied embeddings, the activation, and the per-layer sliding windows ({@code layer_types}). Each
 * architecture's checkpoint class adds what is its own (biases, q/k norms, windows) and then calls
 * {@link ConfigFields#finish()}.
 */
public final class LlamaFamilyFields {

    /** What each {@code rope_type} may carry in its dictionary, besides {@code rope_type} and {@code rope_theta}. */
    private static final Map<String, Set<String>> ROPE_KEYS = Map.of(
            "default", Set.of(),
            "linear", Set.of("factor"),
            "dynamic", Set.of("factor", "original_max_position_embeddings"),
            "llama3", Set.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"),
            "yarn",
                    Set.of(
                            "factor",
                            "original_max_position_embeddings",
                            "attention_factor",
                            "beta_fast",
                            "beta_slow",
                            "mscale",
                            "mscale_all_dim",
                            "truncate"));

    private LlamaFamilyFields() {}

    /** The shared fields, with the attention's architecture-specific parts given. */
    public static LlamaConfig read(
            ConfigFields fields, LlamaConfig.ProjectionBias bias, boolean qkNorm, LlamaConfig.SlidingWindow window) {
        fields.onlyValue("hidden_act", "silu", "the MLP computes SwiGLU with silu");
        fields.irrelevant(ConfigFields.NO_DROPOUT, "attention_dropout");
        fields.irrelevant("splits the same matmuls for tensor-parallel pre-training", "pretraining_tp");
        int hidden = fields.size("hidden_size");
        int heads = fields.size("num_attention_heads");
        int layers = fields.size("num_hidden_layers");
        int headDim = fields.sizeOr("head_dim", defaultHeadDim(fields, hidden, heads));
        LlamaConfig.Attention attention = new LlamaConfig.Attention(
                heads, fields.sizeOr("num_key_value_heads", heads), headDim, bias, qkNorm, window);
        int maxPositions = fields.sizeOr("max_position_embeddings", 2048);
        return new LlamaConfig(
                fields.size("vocab_size"),
                hidden,
                layers,
                attention,
                new LlamaConfig.Mlp(fields.size("intermediate_size"), fields.flag("mlp_bias", false)),
                rope(fields, maxPositions),
                (float) fields.number("rms_norm_eps", 1e-6),
                fields.flag("tie_word_embeddings", false));
    }

    /** {@code attention_bias} (Llama, Qwen3): a bias on all four projections, or on none. */
    public static LlamaConfig.ProjectionBias attentionBias(ConfigFields fields) {
        return fields.flag("attention_bias", false) ? LlamaConfig.ProjectionBias.ALL : LlamaConfig.ProjectionBias.NONE;
    }

    private static int defaultHeadDim(ConfigFields fields, int hidden, int heads) {
        if (hidden % heads != 0 && !fields.has("head_dim")) {
            throw fields.refused(
                    "hidden_size",
                    fields.node("hidden_size"),
                    "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads
                            + " and no head_dim is given");
        }
        return hidden / heads;
    }

    /**
     * Sliding windows per layer from {@code layer_types} ("sliding_attention" or "full_attention"),
     * or, in configs written before transformers had it, from {@code use_sliding_window} and
     * {@code max_window_layers} (layers from that index on slide), as Qwen2 and Qwen3 define them.
     */
    public static LlamaConfig.SlidingWindow layerWindows(ConfigFields fields) {
        int layers = fields.size("num_hidden_layers");
        JsonNode types = fields.node("layer_types");
        boolean use = fields.flag("use_sliding_window", false);
        int firstSliding = fields.sizeOr("max_window_layers", layers);
        List<Boolean> sliding = new ArrayList<>();
        if (types.isArray()) {
            if (types.size() != layers) {
                throw fields.refused(
                        "layer_types", types, "one entry per layer is required (num_hidden_layers " + layers + ")");
            }
            for (JsonNode type : types) {
                switch (type.asText()) {
                    case "sliding_attention" -> sliding.add(true);
                    case "full_attention" -> sliding.add(false);
                    default ->
                        throw fields.refused(
                                "layer_types", types, "entries must be full_attention or sliding_attention");
                }
            }
        } else {
            for (int i = 0; i < layers; i++) {
                sliding.add(use && i >= firstSliding);
            }
        }
        if (!sliding.contains(true)) {
            fields.irrelevant("no layer slides", "sliding_window");
            return LlamaConfig.SlidingWindow.NONE;
        }
        return new LlamaConfig.SlidingWindow(fields.size("sliding_window"), sliding);
    }

    /** {@code rope_parameters} (transformers 5) or {@code rope_theta} with {@code rope_scaling} (before). */
    static LlamaConfig.Rope rope(ConfigFields fields, int maxPositions) {
        String dictionaryField = fields.has("rope_parameters") ? "rope_parameters" : "rope_scaling";
        JsonNode dictionary = fields.node(dictionaryField);
        fields.irrelevant("the other spelling of the same settings", "rope_parameters", "rope_scaling");
        double theta = fields.has("rope_theta")
                ? fields.number("rope_theta", 10_000)
                : dictionary.path("rope_theta").asDouble(10_000);
        fields.onlyValue("partial_rotary_factor", 1, "the rotation covers the whole head");
        if (dictionary.isMissingNode() || dictionary.isNull()) {
            return new LlamaConfig.Rope(theta, maxPositions, new RopeScaling.Default());
        }
        String type = dictionary.has("rope_type")
                ? dictionary.path("rope_type").asText()
                : dictionary.path("type").asText("default");
        Set<String> allowed = ROPE_KEYS.get(type);
        if (allowed == null) {
            throw fields.refused(
                    dictionaryField, dictionary, "rope_type '" + type + "' is not one of " + ROPE_KEYS.keySet());
        }
        refuseUnknownKeys(fields, dictionaryField, dictionary, type, allowed);
        return new LlamaConfig.Rope(
                theta, maxPositions, scaling(fields, dictionaryField, dictionary, type, maxPositions));
    }

    /** A key of the rope dictionary that its type does not use could change the frequencies: refused. */
    private static void refuseUnknownKeys(
            ConfigFields fields, String dictionaryField, JsonNode dictionary, String type, Set<String> allowed) {
        for (Iterator<String> keys = dictionary.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            boolean known = allowed.contains(key)
                    || key.equals("rope_type")
                    || key.equals("type")
                    || key.equals("rope_theta")
                    || (key.equals("partial_rotary_factor")
                            && dictionary.path(key).asDouble() == 1.0);
            if (!known) {
                throw fields.refused(
                        dictionaryField,
                        dictionary,
                        "key '" + key + "' is not implemented for rope_type " + type + " (known: " + allowed + ")");
            }
        }
    }

    private static RopeScaling scaling(ConfigFields fields, String field, JsonNode d, String type, int maxPositions) {
        try {
            return switch (type) {
                case "default" -> new RopeScaling.Default();
                case "linear" -> new RopeScaling.Linear(required(fields, field, d, "factor"));
                case "dynamic" -> new RopeScaling.Dynamic(required(fields, field, d, "factor"));
                case "llama3" ->
                    new RopeScaling.Llama3(
                            required(fields, field, d, "factor"),
                            required(fields, field, d, "low_freq_factor"),
                            required(fields, field, d, "high_freq_factor"),
                            (int) required(fields, field, d, "original_max_position_embeddings"));
                default -> yarn(fields, field, d, maxPositions);
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(fields.file().toString())) {
                throw e;
            }
            throw fields.refused(field, d, e.getMessage());
        }
    }

    /**
     * YaRN as transformers 5 reads it: {@code original_max_position_embeddings} defaults to
     * {@code max_position_embeddings}, and a missing {@code factor} is their ratio.
     */
    private static RopeScaling yarn(ConfigFields fields, String field, JsonNode d, int maxPositions) {
        int original = d.hasNonNull("original_max_position_embeddings")
                ? d.path("original_max_position_embeddings").asInt()
                : maxPositions;
        double factor =
                d.hasNonNull("factor") ? required(fields, field, d, "factor") : (double) maxPositions / original;
        Double mscale = d.hasNonNull("mscale") ? d.path("mscale").asDouble() : null;
        Double mscaleAllDim =
                d.hasNonNull("mscale_all_dim") ? d.path("mscale_all_dim").asDouble() : null;
        double attentionFactor = d.hasNonNull("attention_factor")
                ? d.path("attention_factor").asDouble()
                : RopeScaling.Yarn.defaultAttentionFactor(factor, mscale, mscaleAllDim);
        return new RopeScaling.Yarn(
                factor,
                original,
                d.hasNonNull("beta_fast") ? d.path("beta_fast").asDouble() : 32,
                d.hasNonNull("beta_slow") ? d.path("beta_slow").asDouble() : 1,
                attentionFactor,
                d.path("truncate").asBoolean(true));
    }

    private static double required(ConfigFields fields, String field, JsonNode dictionary, String key) {
        if (!dictionary.path(key).isNumber()) {
            throw fields.refused(field, dictionary, "'" + key + "' must be a number");
        }
        return dictionary.path(key).asDouble();
    }
}
