package dev.fuseflow.trainer.model.gpt2;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.model.ConfigFields;
import dev.fuseflow.trainer.model.HuggingFaceWeights;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A GPT-2 model folder in the Hugging Face layout: {@code config.json} and {@code model.safetensors}
 * (or shards). Loading copies name for name; the tied {@code lm_head.weight} is not stored, as
 * transformers does not store it either.
 */
public final class Gpt2Checkpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Gpt2Checkpoint() {}

    public static Gpt2Config readConfig(Path modelDir) throws IOException {
        return ConfigFields.readStrictly(modelDir, "gpt2", "GPT-2", Gpt2Checkpoint::readConfig);
    }

    /** config.json's fields, each used, declared irrelevant or implemented for one value only. */
    public static Gpt2Config readConfig(ConfigFields fields) {
        fields.onlyValue("activation_function", "gelu_new", "the MLP computes GELU in its tanh form");
        fields.onlyValue("scale_attn_weights", true, "scores are divided by sqrt(head size)");
        fields.onlyValue("scale_attn_by_inverse_layer_idx", false, "no per-layer score scaling");
        fields.onlyValue("reorder_and_upcast_attn", false, "a mixed-precision variant of the same attention");
        fields.onlyValue("tie_word_embeddings", true, "the head is the token embedding");
        fields.irrelevant(ConfigFields.NO_DROPOUT, "attn_pdrop", "embd_pdrop", "resid_pdrop", "summary_first_dropout");
        fields.irrelevant(
                "sequence-classification head, not the language model",
                "summary_activation",
                "summary_proj_to_labels",
                "summary_type",
                "summary_use_proj");
        int embedding = fields.size("n_embd");
        fields.onlyValue("n_inner", 4 * embedding, "the MLP is 4 x n_embd wide");
        return new Gpt2Config(
                fields.size("vocab_size"),
                fields.size("n_positions"),
                embedding,
                fields.size("n_layer"),
                fields.size("n_head"),
                (float) fields.number("layer_norm_epsilon", 1e-5));
    }

    /** A model with the folder's weights, in {@code dataType} (bf16 and f16 on disk are widened exactly first). */
    public static Gpt2LmHeadModel load(Path modelDir, NDManager manager, DataType dataType) throws IOException {
        Gpt2Config config = readConfig(modelDir);
        Gpt2LmHeadModel model = new Gpt2LmHeadModel(config);
        return HuggingFaceWeights.loadInto(model, modelDir, manager, dataType);
    }

    /** The config.json transformers' GPT2LMHeadModel reads for a model FuseFlow made itself. */
    static ObjectNode huggingFaceConfig(Gpt2Config c) {
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("GPT2LMHeadModel");
        config.put("model_type", "gpt2");
        config.put("vocab_size", c.vocabSize());
        config.put("n_positions", c.nPositions());
        config.put("n_embd", c.nEmbd());
        config.put("n_layer", c.nLayer());
        config.put("n_head", c.nHead());
        config.put("layer_norm_epsilon", c.layerNormEpsilon());
        config.put("activation_function", "gelu_new");
        config.put("tie_word_embeddings", true);
        return config;
    }
}
