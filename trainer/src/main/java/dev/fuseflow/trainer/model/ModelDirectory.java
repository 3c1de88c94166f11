package dev.fuseflow.trainer.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.model.gpt2.Gpt2Checkpoint;
import dev.fuseflow.trainer.model.gpt2.Gpt2LmHeadModel;
import dev.fuseflow.trainer.model.llama.LlamaCheckpoint;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A model folder in the Hugging Face layout, whatever its architecture: {@code config.json}'s
 * {@code model_type} picks the loader, and the tokenizer files travel with the weights so that a
 * saved folder is complete for transformers, vLLM or FuseFlow itself.
 */
public final class ModelDirectory {

    /** Files next to the weights that a Hugging Face stack reads and FuseFlow passes through unchanged. */
    public static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "generation_config.json",
            "chat_template.jinja");

    private static final Map<String, String> ARCHITECTURES = Map.of("gpt2", "GPT-2", "llama", "Llama");

    private ModelDirectory() {}

    /** {@code model_type} of the folder's config.json, checked to be one FuseFlow implements. */
    public static String modelType(Path dir) throws IOException {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException(dir + " is not a model folder: it has no config.json");
        }
        String type =
                new ObjectMapper().readTree(config.toFile()).path("model_type").asText();
        if (!ARCHITECTURES.containsKey(type)) {
            throw new IllegalArgumentException(config + ": model_type '" + type
                    + "' is not supported; FuseFlow implements " + ARCHITECTURES.keySet());
        }
        return type;
    }

    /** Positions the folder's model can address, from config.json alone. */
    public static int contextLength(Path dir) throws IOException {
        return switch (modelType(dir)) {
            case "gpt2" -> Gpt2Checkpoint.readConfig(dir).nPositions();
            default -> LlamaCheckpoint.readConfig(dir).maxPositionEmbeddings();
        };
    }

    public static CausalLanguageModel load(Path dir, NDManager manager, DataType dataType) throws IOException {
        return switch (modelType(dir)) {
            case "gpt2" -> Gpt2Checkpoint.load(dir, manager, dataType);
            default -> LlamaCheckpoint.load(dir, manager, dataType);
        };
    }

    /** Writes config.json and the weights, and copies the tokenizer files from {@code tokenizerSource}. */
    public static void save(CausalLanguageModel model, Path dir, Path tokenizerSource) throws IOException {
        if (model instanceof Gpt2LmHeadModel gpt2) {
            Gpt2Checkpoint.save(gpt2, dir);
        } else if (model instanceof LlamaForCausalLm llama) {
            LlamaCheckpoint.save(llama, dir);
        } else {
            throw new IllegalArgumentException(
                    "no Hugging Face writer for " + model.getClass().getSimpleName());
        }
        for (String name : TOKENIZER_FILES) {
            Path file = tokenizerSource.resolve(name);
            if (Files.isRegularFile(file)
                    && !file.toAbsolutePath().equals(dir.resolve(name).toAbsolutePath())) {
                Files.copy(file, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The folder's {@code tokenizer.json} through Hugging Face's tokenizers library. */
    public static HuggingFaceTokenizer tokenizer(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    dir + " has no tokenizer.json; FuseFlow reads tokenizers in the Hugging Face format");
        }
        return HuggingFaceTokenizer.newInstance(file);
    }
}
