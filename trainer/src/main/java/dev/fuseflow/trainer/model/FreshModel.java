package dev.fuseflow.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.model.gpt2.Gpt2Config;
import dev.fuseflow.trainer.model.gpt2.Gpt2LmHeadModel;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import dev.fuseflow.trainer.tokenizer.CharTokenizerJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * FuseFlow's built-in models, randomly initialised, for demos, tests and benchmarks: a complete
 * Hugging Face folder with the character-level tokenizer over printable ASCII and newline
 * (8 special tokens + 96 characters, vocabulary rounded up to 128).
 */
public enum FreshModel {
    LLAMA_TINY,
    GPT2_TINY,
    LLAMA_30M;

    /** Printable ASCII and newline: what the tiny models can read and write. */
    public static final String CHARACTERS = characters();

    /** The vocabulary the presets' character tokenizer sizes a model for (its ids, rounded up). */
    public static final int CHARACTER_VOCAB = 128;

    /** Writes the model folder (config.json, model.safetensors, tokenizer.json) with weights drawn from {@code seed}. */
    public void write(Path dir, long seed) throws IOException {
        writeCharacterTokenizer(dir);
        if (isLlama()) {
            writeLlama(dir, llamaConfig(CHARACTER_VOCAB), seed);
            return;
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Gpt2LmHeadModel model = new Gpt2LmHeadModel(new Gpt2Config(CHARACTER_VOCAB, 512, 64, 2, 4, 1e-5f));
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
            ModelDirectory.saveNew(model, dir);
        }
    }

    /** Writes the presets' character tokenizer into {@code dir}; its models are sized {@link #CHARACTER_VOCAB}. */
    public static void writeCharacterTokenizer(Path dir) throws IOException {
        Files.createDirectories(dir);
        CharTokenizerJson.write(dir.resolve("tokenizer.json"), CHARACTERS);
    }

    /** Whether the preset is a Llama, whose shape and tokenizer {@code init-model} can change. */
    public boolean isLlama() {
        return this != GPT2_TINY;
    }

    /** The Llama preset's config for a tokenizer of {@code vocab} ids. */
    public LlamaConfig llamaConfig(int vocab) {
        return switch (this) {
            case LLAMA_TINY -> LlamaConfig.of(vocab, 64, 172, 2, 4, 2, 512);
            case LLAMA_30M -> LlamaConfig.of(vocab, 512, 1376, 8, 8, 4, 512);
            case GPT2_TINY -> throw new IllegalArgumentException("GPT2_TINY is not a Llama preset");
        };
    }

    /** A Llama of {@code config} with weights drawn from {@code seed}, beside the tokenizer already in {@code dir}. */
    public static void writeLlama(Path dir, LlamaConfig config, long seed) throws IOException {
        Files.createDirectories(dir);
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = new LlamaForCausalLm(config);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
            ModelDirectory.saveNew(model, dir);
        }
    }

    private static String characters() {
        StringBuilder chars = new StringBuilder("\n");
        for (char c = ' '; c <= '~'; c++) {
            chars.append(c);
        }
        return chars.toString();
    }
}
