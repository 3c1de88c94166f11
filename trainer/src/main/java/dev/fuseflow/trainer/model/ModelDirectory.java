package dev.fuseflow.trainer.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.format.TensorDType;
import dev.fuseflow.trainer.model.gpt2.Gpt2Checkpoint;
import dev.fuseflow.trainer.model.llama.LlamaCheckpoint;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.mistral.MistralCheckpoint;
import dev.fuseflow.trainer.model.qwen2.Qwen2Checkpoint;
import dev.fuseflow.trainer.model.qwen3.Qwen3Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A model folder in the Hugging Face layout, whatever its architecture: {@code config.json}'s
 * {@code model_type} picks the loader, and the tokenizer files travel with the weights so that a
 * saved folder is complete for transformers, vLLM or FuseFlow itself. A model saved from a
 * checkpoint keeps that checkpoint's config.json field for field and, when published, its dtype.
 */
public final class ModelDirectory {

    /** Files next to the weights that a Hugging Face stack reads and FuseFlow passes through unchanged. */
    public static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "generation_config.json",
            "chat_template.jinja");

    private static final String CONFIG = "config.json";
    private static final String TOKENIZER = "tokenizer.json";

    /** Reads a folder's config.json strictly (refusing what it does not implement). */
    @FunctionalInterface
    private interface ConfigReader<C> {
        C read(Path dir) throws IOException;
    }

    /** One {@code model_type}: its name for people, its config reader, its context length and its loader. */
    private record Architecture(
            String name, Function<ConfigFields, ?> fields, ConfigReader<Integer> contextLength, Loader loader) {}

    @FunctionalInterface
    private interface Loader {
        CausalLanguageModel load(Path dir, NDManager manager, DataType dataType) throws IOException;
    }

    private static final Map<String, Architecture> ARCHITECTURES = architectures();

    private ModelDirectory() {}

    private static Map<String, Architecture> architectures() {
        Map<String, Architecture> all = new LinkedHashMap<>();
        all.put(
                "gpt2",
                new Architecture(
                        "GPT-2",
                        Gpt2Checkpoint::readConfig,
                        dir -> Gpt2Checkpoint.readConfig(dir).nPositions(),
                        Gpt2Checkpoint::load));
        all.put("llama", llamaFamily("llama", "Llama", LlamaCheckpoint::readConfig));
        all.put("qwen2", llamaFamily("qwen2", "Qwen2", Qwen2Checkpoint::readConfig));
        all.put("qwen3", llamaFamily("qwen3", "Qwen3", Qwen3Checkpoint::readConfig));
        all.put("mistral", llamaFamily("mistral", "Mistral", MistralCheckpoint::readConfig));
        return Map.copyOf(all);
    }

    private static Architecture llamaFamily(String modelType, String name, Function<ConfigFields, LlamaConfig> reader) {
        ConfigReader<LlamaConfig> config = dir -> ConfigFields.readStrictly(dir, modelType, name, reader);
        return new Architecture(
                name,
                reader,
                dir -> config.read(dir).maxPositionEmbeddings(),
                (dir, manager, dataType) -> LlamaCheckpoint.load(config.read(dir), dir, manager, dataType));
    }

    /** The folder's Llama-family config (Llama, Qwen2, Qwen3, Mistral), read strictly; empty for GPT-2. */
    public static Optional<LlamaConfig> llamaFamilyConfig(Path dir) throws IOException {
        String type = modelType(dir);
        Architecture architecture = ARCHITECTURES.get(type);
        Object config = ConfigFields.readStrictly(dir, type, architecture.name(), architecture.fields());
        return config instanceof LlamaConfig llama ? Optional.of(llama) : Optional.empty();
    }

    /** How many token ids the folder's tokenizer.json can produce (one more than its largest id). */
    public static int tokenizerIds(Path dir) throws IOException {
        return TokenizerVocabulary.of(dir.resolve(TOKENIZER)).size();
    }

    /**
     * What FuseFlow does with each config.json field its architecture knows: "used", "irrelevant:
     * why", or "implemented for V only (why)"; refuses the folder as loading would.
     */
    public static Map<String, String> fieldTable(Path dir) throws IOException {
        String type = modelType(dir);
        Architecture architecture = ARCHITECTURES.get(type);
        ConfigFields fields = ConfigFields.read(dir, type, architecture.name());
        architecture.fields().apply(fields);
        fields.finish();
        return fields.table();
    }

    /** {@code model_type} of the folder's config.json, checked to be one FuseFlow implements. */
    public static String modelType(Path dir) throws IOException {
        String type = config(dir).path("model_type").asText();
        if (!ARCHITECTURES.containsKey(type)) {
            throw new IllegalArgumentException(dir.resolve(CONFIG) + ": model_type '" + type
                    + "' is not supported; FuseFlow implements "
                    + ARCHITECTURES.keySet().stream().sorted().toList());
        }
        return type;
    }

    /** Positions the folder's model can address, from config.json alone (which is checked strictly). */
    public static int contextLength(Path dir) throws IOException {
        return ARCHITECTURES.get(modelType(dir)).contextLength().read(dir);
    }

    public static CausalLanguageModel load(Path dir, NDManager manager, DataType dataType) throws IOException {
        return ARCHITECTURES.get(modelType(dir)).loader().load(dir, manager, dataType);
    }

    /**
     * Writes the model as its base was saved, for a published version: the base's config.json field
     * for field and the weights in the base's dtype (bf16 stays bf16), then the tokenizer files. A
     * base without config.json (a model FuseFlow made) gets the architecture's own config, float32.
     */
    public static void save(CausalLanguageModel model, Path dir, Path base) throws IOException {
        write(model, dir, base, weightsType(base));
    }

    /**
     * Like {@link #save}, with each adapted layer's adapter folded into its weight: the full model a
     * LoRA version stands for, for servers that take no adapters. The model itself is unchanged.
     */
    public static void saveMerged(CausalLanguageModel model, Path dir, Path base) throws IOException {
        TensorDType dtype = weightsType(base);
        writeFiles(
                model,
                dir,
                base,
                dtype,
                () -> HuggingFaceWeights.saveMerged(model.huggingFaceParameters(), dir, dtype));
    }

    /** Like {@link #save}, with float32 weights whatever the base's dtype: checkpoints and the frozen reference, exact. */
    public static void saveExact(CausalLanguageModel model, Path dir, Path base) throws IOException {
        write(model, dir, base, TensorDType.F32);
    }

    /** A model FuseFlow made itself: the architecture's config.json and float32 weights. */
    public static void saveNew(CausalLanguageModel model, Path dir) throws IOException {
        write(model, dir, dir, TensorDType.F32);
    }

    private static void write(CausalLanguageModel model, Path dir, Path base, TensorDType dtype) throws IOException {
        writeFiles(model, dir, base, dtype, () -> HuggingFaceWeights.save(model.huggingFaceParameters(), dir, dtype));
    }

    /** Writes a model folder's weight files. */
    private interface WeightsWriter {
        void write() throws IOException;
    }

    private static void writeFiles(
            CausalLanguageModel model, Path dir, Path base, TensorDType dtype, WeightsWriter weights)
            throws IOException {
        Files.createDirectories(dir);
        ObjectNode config = Files.isRegularFile(base.resolve(CONFIG))
                ? (ObjectNode) config(base).deepCopy()
                : model.huggingFaceConfig();
        weights.write();
        setDtype(config, dtype);
        new ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve(CONFIG).toFile(), config);
        for (String name : TOKENIZER_FILES) {
            Path file = base.resolve(name);
            if (Files.isRegularFile(file)
                    && !file.toAbsolutePath().equals(dir.resolve(name).toAbsolutePath())) {
                Files.copy(file, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The dtype a folder's weights are saved in: config.json's {@code dtype} (or {@code torch_dtype}), else float32. */
    static TensorDType weightsType(Path base) throws IOException {
        if (!Files.isRegularFile(base.resolve(CONFIG))) {
            return TensorDType.F32;
        }
        JsonNode config = config(base);
        String name = config.hasNonNull("dtype")
                ? config.path("dtype").asText()
                : config.path("torch_dtype").asText("float32");
        return switch (name) {
            case "bfloat16" -> TensorDType.BF16;
            case "float16" -> TensorDType.F16;
            case "float32" -> TensorDType.F32;
            default ->
                throw new IllegalArgumentException(base.resolve(CONFIG) + ": field 'dtype' is '" + name
                        + "'; FuseFlow saves bfloat16, float16 or float32");
        };
    }

    /** config.json's dtype says what the weights are; transformers 5 writes {@code dtype}, earlier versions {@code torch_dtype}. */
    private static void setDtype(ObjectNode config, TensorDType dtype) {
        String name = switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        };
        boolean either = config.has("dtype") || config.has("torch_dtype");
        if (config.has("dtype") || !either) {
            config.put("dtype", name);
        }
        if (config.has("torch_dtype") || !either) {
            config.put("torch_dtype", name);
        }
    }

    private static JsonNode config(Path dir) throws IOException {
        Path config = dir.resolve(CONFIG);
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException(dir + " is not a model folder: it has no config.json");
        }
        return new ObjectMapper().readTree(config.toFile());
    }

    /**
     * The folder's {@code tokenizer.json} through Hugging Face's tokenizers library, checked to fit
     * the model: every token id it can produce must have a row in the embedding ({@code vocab_size};
     * an embedding padded past the tokenizer, as Qwen's is, is fine).
     */
    public static HuggingFaceTokenizer tokenizer(Path dir) throws IOException {
        Path file = dir.resolve(TOKENIZER);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    dir + " has no tokenizer.json; FuseFlow reads tokenizers in the Hugging Face format");
        }
        int ids = TokenizerVocabulary.of(file).size();
        JsonNode vocabSize = config(dir).path("vocab_size");
        if (vocabSize.canConvertToInt() && ids > vocabSize.asInt()) {
            throw new IllegalArgumentException(
                    file + " has token ids up to " + (ids - 1) + ", but field 'vocab_size' of "
                            + dir.resolve(CONFIG) + " is " + vocabSize.asInt()
                            + ": the embedding has no row for the rest; use the model's own tokenizer");
        }
        return HuggingFaceTokenizer.newInstance(file);
    }

    /**
     * Refuses a reference that does not share the policy's vocabulary: log-probabilities of the same
     * token ids would then score different text. Same {@code vocab_size}, and the same token-to-id
     * map where both folders have a tokenizer.json.
     */
    public static void requireSameVocabulary(Path policy, Path reference) throws IOException {
        int policySize = config(policy).path("vocab_size").asInt(-1);
        int referenceSize = config(reference).path("vocab_size").asInt(-1);
        if (policySize != referenceSize) {
            throw new IllegalArgumentException("the reference " + reference + " has vocab_size " + referenceSize
                    + " in config.json, the model " + policy + " " + policySize
                    + ": a reference must share the model's vocabulary");
        }
        Path policyTokenizer = policy.resolve(TOKENIZER);
        Path referenceTokenizer = reference.resolve(TOKENIZER);
        if (Files.isRegularFile(policyTokenizer)
                && Files.isRegularFile(referenceTokenizer)
                && !TokenizerVocabulary.of(policyTokenizer).equals(TokenizerVocabulary.of(referenceTokenizer))) {
            throw new IllegalArgumentException(referenceTokenizer + " maps tokens to other ids than " + policyTokenizer
                    + ": a reference must share the model's vocabulary");
        }
    }
}
