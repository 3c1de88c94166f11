package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.model.HuggingFaceWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A Llama model folder in the Hugging Face layout: {@code config.json} and safetensors weights. */
public final class LlamaCheckpoint {

    private LlamaCheckpoint() {}

    public static LlamaConfig readConfig(Path modelDir) throws IOException {
        JsonNode c = new ObjectMapper().readTree(modelDir.resolve("config.json").toFile());
        if (!"llama".equals(c.path("model_type").asText())) {
            throw new IllegalArgumentException(modelDir.resolve("config.json") + " has model_type '"
                    + c.path("model_type").asText() + "', this loader reads 'llama'");
        }
        if (c.path("tie_word_embeddings").asBoolean(false)) {
            throw new IllegalArgumentException(
                    modelDir + ": tied Llama embeddings are not supported yet (tie_word_embeddings=true)");
        }
        int heads = c.path("num_attention_heads").asInt();
        return new LlamaConfig(
                c.path("vocab_size").asInt(),
                c.path("hidden_size").asInt(),
                c.path("intermediate_size").asInt(),
                c.path("num_hidden_layers").asInt(),
                heads,
                c.path("num_key_value_heads").asInt(heads),
                (float) c.path("rms_norm_eps").asDouble(1e-6),
                ropeTheta(c),
                c.path("max_position_embeddings").asInt(2048));
    }

    /** transformers 4 writes {@code rope_theta}; transformers 5 nests it in {@code rope_parameters}. */
    private static double ropeTheta(JsonNode config) {
        JsonNode theta = config.has("rope_theta")
                ? config.path("rope_theta")
                : config.path("rope_parameters").path("rope_theta");
        return theta.asDouble(10_000);
    }

    /** Writes config.json and model.safetensors (float32) that transformers' LlamaForCausalLM loads as is. */
    public static void save(LlamaForCausalLm model, Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        HuggingFaceWeights.save(model.huggingFaceParameters(), modelDir);
        LlamaConfig c = model.config();
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
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
        config.put("attention_bias", false);
        config.put("mlp_bias", false);
        config.put("tie_word_embeddings", false);
        config.put("torch_dtype", "float32");
        json.writerWithDefaultPrettyPrinter()
                .writeValue(modelDir.resolve("config.json").toFile(), config);
    }

    public static LlamaForCausalLm load(Path modelDir, NDManager manager, DataType dataType) throws IOException {
        LlamaForCausalLm model = new LlamaForCausalLm(readConfig(modelDir));
        model.initialize(manager, dataType, new Shape(1, 1), new Shape(1, 1));
        HuggingFaceWeights.load(model.huggingFaceParameters(), modelDir, manager);
        return model;
    }
}
