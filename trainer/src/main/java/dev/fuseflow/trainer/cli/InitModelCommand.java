package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.train.ModelCost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code init-model}: writes one of FuseFlow's built-in models, randomly initialised, as a Hugging Face folder; a
 * Llama preset can take another shape and a tokenizer of the user's (a byte-level BPE, say) instead of the
 * character tokenizer.
 */
@Command(
        name = "init-model",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Write a fresh built-in model (config.json, model.safetensors, tokenizer.json): the preset's"
                + " character-level tokenizer, or --tokenizer's; a Llama preset's shape can be changed.")
final class InitModelCommand implements Callable<Integer> {

    /** The tokenizer folder's files that travel with it; tokenizer.json is required. */
    private static final List<String> TOKENIZER_FILES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja");

    @Spec
    CommandSpec spec;

    @Option(
            names = "--preset",
            defaultValue = "LLAMA_TINY",
            description = "One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    FreshModel preset;

    @Option(names = "--output", required = true, description = "Folder to write.")
    Path output;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the random weights (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--tokenizer",
            description = "Folder with a Hugging Face tokenizer.json (and optionally tokenizer_config.json,"
                    + " special_tokens_map.json, chat_template.jinja), copied in; the vocabulary is sized to it"
                    + " (Llama presets).")
    Path tokenizer;

    @Option(names = "--hidden", description = "hidden_size instead of the preset's (Llama presets).")
    Integer hidden;

    @Option(names = "--intermediate", description = "intermediate_size instead of the preset's (Llama presets).")
    Integer intermediate;

    @Option(names = "--layers", description = "num_hidden_layers instead of the preset's (Llama presets).")
    Integer layers;

    @Option(names = "--heads", description = "num_attention_heads instead of the preset's (Llama presets).")
    Integer heads;

    @Option(names = "--kv-heads", description = "num_key_value_heads instead of the preset's (Llama presets).")
    Integer keyValueHeads;

    @Option(names = "--context", description = "max_position_embeddings instead of the preset's (Llama presets).")
    Integer context;

    @Override
    public Integer call() throws Exception {
        if (tokenizer == null && !shapeChanged()) {
            preset.write(output, seed);
            spec.commandLine().getOut().println("wrote " + preset + " to " + output);
            return 0;
        }
        if (!preset.isLlama()) {
            throw new IllegalArgumentException(
                    "--tokenizer and the shape options apply to Llama presets only, not --preset " + preset);
        }
        // Checked before anything is written: a refused shape leaves no half-written --output.
        LlamaConfig config = shaped(preset.llamaConfig(
                tokenizer != null ? ModelDirectory.tokenizerIds(requireTokenizer()) : FreshModel.CHARACTER_VOCAB));
        if (tokenizer != null) {
            copyTokenizer();
        } else {
            FreshModel.writeCharacterTokenizer(output);
        }
        FreshModel.writeLlama(output, config, seed);
        spec.commandLine()
                .getOut()
                .printf(
                        Locale.ROOT,
                        "wrote a %s-based Llama to %s: vocab %d, hidden %d, intermediate %d, %d layers, %d heads"
                                + " (%d key/value), context %d: %,d parameters%n",
                        preset,
                        output,
                        config.vocabSize(),
                        config.hiddenSize(),
                        config.intermediateSize(),
                        config.numHiddenLayers(),
                        config.numAttentionHeads(),
                        config.numKeyValueHeads(),
                        config.maxPositionEmbeddings(),
                        new ModelCost(config, 1, 1).parameters());
        return 0;
    }

    private boolean shapeChanged() {
        return hidden != null
                || intermediate != null
                || layers != null
                || heads != null
                || keyValueHeads != null
                || context != null;
    }

    private Path requireTokenizer() {
        if (!Files.isRegularFile(tokenizer.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException("--tokenizer " + tokenizer + " holds no tokenizer.json");
        }
        return tokenizer;
    }

    /** Copies the tokenizer folder's files that a model folder carries. */
    private void copyTokenizer() throws IOException {
        Files.createDirectories(output);
        for (String file : TOKENIZER_FILES) {
            Path from = tokenizer.resolve(file);
            if (Files.isRegularFile(from)) {
                Files.copy(from, output.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * The preset's shape with the options' changes. Without --kv-heads, the preset's key/value heads stay where they
     * divide --heads; otherwise every head gets its own.
     */
    private LlamaConfig shaped(LlamaConfig base) {
        Map<String, Integer> given = new LinkedHashMap<>();
        given.put("--hidden", hidden);
        given.put("--intermediate", intermediate);
        given.put("--layers", layers);
        given.put("--heads", heads);
        given.put("--kv-heads", keyValueHeads);
        given.put("--context", context);
        given.forEach((option, value) -> {
            if (value != null && value < 1) {
                throw new IllegalArgumentException(option + " must be >= 1, got " + value);
            }
        });
        int n = heads != null ? heads : base.numAttentionHeads();
        int kv = keyValueHeads != null ? keyValueHeads : n % base.numKeyValueHeads() == 0 ? base.numKeyValueHeads() : n;
        try {
            return LlamaConfig.of(
                    base.vocabSize(),
                    hidden != null ? hidden : base.hiddenSize(),
                    intermediate != null ? intermediate : base.intermediateSize(),
                    layers != null ? layers : base.numHiddenLayers(),
                    n,
                    kv,
                    context != null ? context : base.maxPositionEmbeddings());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--hidden, --heads and --kv-heads do not make a Llama ("
                    + e.getMessage() + "): --hidden must divide by --heads, --heads by --kv-heads,"
                    + " and --hidden / --heads must be even");
        }
    }
}
