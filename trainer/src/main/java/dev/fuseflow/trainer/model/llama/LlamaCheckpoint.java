package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.model.HuggingFaceWeights;
import java.io.IOException;
import java.nio.file.Path;

/** A Llama model folder in the Hugging Face layout: {@code config.json} and safetensors weights. */
public final class LlamaCheckpoint {

    private LlamaCheckpoint() {
    }

    public static LlamaConfig readConfig(Path modelDir) throws IOException {
        JsonNode c = new ObjectMapper().readTree(modelDir.resolve("config.json").toFile());
        if (!"llama".equals(c.path("model_type").asText())) {
            throw new IllegalArgumentException(modelDir.resolve("config.json") + " has model_type '" + c.path("model_type").asText()
                    + "', this loader reads 'llama'");
        }
        if (c.path("tie_word_embeddings").asBoolean(false)) {
            throw new IllegalArgumentException(modelDir + ": tied Llama embeddings are not supported yet (tie_word_embeddings=true)");
        }
        int heads = c.path("num_attention_heads").asInt();
        return new LlamaConfig(c.path("vocab_size").asInt(), c.path("hidden_size").asInt(), c.path("intermediate_size").asInt(),
                c.path("num_hidden_layers").asInt(), heads, c.path("num_key_value_heads").asInt(heads),
                (float) c.path("rms_norm_eps").asDouble(1e-6), ropeTheta(c),
                c.path("max_position_embeddings").asInt(2048));
    }

    /** transformers 4 writes {@code rope_theta}; transformers 5 nests it in {@code rope_parameters}. */
    private static double ropeTheta(JsonNode config) {
        JsonNode theta = config.has("rope_theta") ? config.path("rope_theta") : config.path("rope_parameters").path("rope_theta");
        return theta.asDouble(10_000);
    }

    public static LlamaForCausalLm load(Path modelDir, NDManager manager, DataType dataType) throws IOException {
        LlamaForCausalLm model = new LlamaForCausalLm(readConfig(modelDir));
        model.initialize(manager, dataType, new Shape(1, 1), new Shape(1, 1));
        HuggingFaceWeights.load(model.huggingFaceParameters(), modelDir, manager);
        return model;
    }
}
