package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.model.ConfigFields;
import dev.fuseflow.trainer.model.HuggingFaceWeights;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Llama model folder in the Hugging Face layout ({@code model_type: llama}): {@code config.json}
 * read strictly, safetensors weights. The loading and the config writer serve the whole Llama
 * family; Qwen2, Qwen3 and Mistral read their own config.json and load through {@link #load(LlamaConfig,
 * Path, NDManager, DataType)}.
 */
public final class LlamaCheckpoint {

    private LlamaCheckpoint() {}

    /** config.json of a {@code llama} folder: every rope type, tied or untied, {@code attention_bias}, {@code mlp_bias}. */
    public static LlamaConfig readConfig(Path modelDir) throws IOException {
        return ConfigFields.readStrictly(modelDir, "llama", "Llama", LlamaCheckpoint::readConfig);
    }

    /** config.json's fields, each used, declared irrelevant or implemented for one value only. */
    public static LlamaConfig readConfig(ConfigFields fields) {
        return LlamaFamilyFields.read(
                fields, LlamaFamilyFields.attentionBias(fields), false, LlamaConfig.SlidingWindow.NONE);
    }

    public static LlamaForCausalLm load(Path modelDir, NDManager manager, DataType dataType) throws IOException {
        return load(readConfig(modelDir), modelDir, manager, dataType);
    }

    /** A model of {@code config} with the folder's weights, in {@code dataType} (bf16 and f16 on disk widened exactly). */
    public static LlamaForCausalLm load(LlamaConfig config, Path modelDir, NDManager manager, DataType dataType)
            throws IOException {
        LlamaForCausalLm model = new LlamaForCausalLm(config);
        return HuggingFaceWeights.loadInto(model, modelDir, manager, dataType);
    }

    /**
     * The config.json transformers' LlamaForCausalLM reads for a model FuseFlow made itself (plain
     * Llama: a loaded checkpoint keeps its own config.json instead, see ModelDirectory).
     */
    static ObjectNode huggingFaceConfig(LlamaConfig c) {
        boolean plain = c.attention().bias() != LlamaConfig.ProjectionBias.QKV
                && !c.attention().qkNorm()
                && c.attention().window().equals(LlamaConfig.SlidingWindow.NONE)
                && c.rope().scaling() instanceof RopeScaling.Default;
        if (!plain) {
            throw new IllegalStateException("only a plain Llama config is written from scratch; " + c
                    + " came from a checkpoint, whose config.json is kept instead");
        }
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.putArray("architectures").add("LlamaForCausalLM");
        config.put("model_type", "llama");
        config.put("vocab_size", c.vocabSize());
        config.put("hidden_size", c.hiddenSize());
        config.put("intermediate_size", c.intermediateSize());
        config.put("num_hidden_layers", c.numHiddenLayers());
        config.put("num_attention_heads", c.numAttentionHeads());
        config.put("num_key_value_heads", c.numKeyValueHeads());
        config.put("head_dim", c.headDim());
        config.put("rms_norm_eps", c.rmsNormEps());
        config.put("rope_theta", c.ropeTheta());
        config.put("max_position_embeddings", c.maxPositionEmbeddings());
        config.put("hidden_act", "silu");
        config.put("attention_bias", c.attention().bias() == LlamaConfig.ProjectionBias.ALL);
        config.put("mlp_bias", c.mlp().bias());
        config.put("tie_word_embeddings", c.tieWordEmbeddings());
        return config;
    }
}
