package dev.fuseflow.trainer.model.gpt2;

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

/**
 * A GPT-2 model folder in the Hugging Face layout: {@code config.json} and {@code model.safetensors}
 * (or shards). Loading copies name for name; the tied {@code lm_head.weight} is not stored, as
 * transformers does not store it either.
 */
public final class Gpt2Checkpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = "config.json";

    private Gpt2Checkpoint() {}

    public static Gpt2Config readConfig(Path modelDir) throws IOException {
        JsonNode c = JSON.readTree(modelDir.resolve(CONFIG).toFile());
        if (!"gpt2".equals(c.path("model_type").asText())) {
            throw new IllegalArgumentException(modelDir.resolve(CONFIG) + " has model_type '"
                    + c.path("model_type").asText() + "', this loader reads 'gpt2'");
        }
        return new Gpt2Config(
                c.path("vocab_size").asInt(),
                c.path("n_positions").asInt(),
                c.path("n_embd").asInt(),
                c.path("n_layer").asInt(),
                c.path("n_head").asInt(),
                (float) c.path("layer_norm_epsilon").asDouble(1e-5));
    }

    /** A model with the folder's weights, in {@code dataType} (bf16 and f16 on disk are widened exactly first). */
    public static Gpt2LmHeadModel load(Path modelDir, NDManager manager, DataType dataType) throws IOException {
        Gpt2Config config = readConfig(modelDir);
        Gpt2LmHeadModel model = new Gpt2LmHeadModel(config);
        model.initialize(manager, dataType, new Shape(1, 1), new Shape(1, 1));
        HuggingFaceWeights.load(model.huggingFaceParameters(), modelDir, manager);
        return model;
    }

    /** Writes config.json and model.safetensors (float32) that transformers' GPT2LMHeadModel loads as is. */
    public static void save(Gpt2LmHeadModel model, Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        HuggingFaceWeights.save(model.huggingFaceParameters(), modelDir);
        Gpt2Config c = model.config();
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
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(modelDir.resolve(CONFIG).toFile(), config);
    }
}
