package dev.fuseflow.local.sources;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.model.gpt2.Gpt2Config;
import dev.fuseflow.trainer.model.gpt2.Gpt2LmHeadModel;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import dev.fuseflow.trainer.model.qwen3.Qwen3Checkpoint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The architecture of a source model, none of them the target's Llama: GPT-2 (learned positions,
 * LayerNorm, GELU MLP) or Qwen3 (rotary, RMSNorm over each query and key head, SwiGLU). Each writes a
 * randomly initialised Hugging Face folder for the tokenizer already in it.
 */
public enum SourceArchitecture {
    GPT2 {
        @Override
        CausalLanguageModel create(Path dir, int vocab, ModelShape shape) {
            return new Gpt2LmHeadModel(
                    new Gpt2Config(vocab, shape.contextLength(), shape.hidden(), shape.layers(), shape.heads(), 1e-5f));
        }
    },
    QWEN3 {
        /** FuseFlow writes only plain Llama configs itself, so a Qwen3 starts from its config.json, read as a checkpoint's. */
        @Override
        CausalLanguageModel create(Path dir, int vocab, ModelShape shape) throws IOException {
            ObjectMapper json = new ObjectMapper();
            ObjectNode config = json.createObjectNode();
            config.putArray("architectures").add("Qwen3ForCausalLM");
            config.put("model_type", "qwen3");
            config.put("vocab_size", vocab);
            config.put("hidden_size", shape.hidden());
            config.put("intermediate_size", shape.hidden() * 8 / 3);
            config.put("num_hidden_layers", shape.layers());
            config.put("num_attention_heads", shape.heads());
            config.put("num_key_value_heads", shape.heads() / 2);
            config.put("head_dim", shape.hidden() / shape.heads());
            config.put("max_position_embeddings", shape.contextLength());
            config.put("rms_norm_eps", 1e-6);
            config.put("rope_theta", 10_000.0);
            config.put("hidden_act", "silu");
            config.put("attention_bias", false);
            config.put("tie_word_embeddings", false);
            json.writerWithDefaultPrettyPrinter()
                    .writeValue(dir.resolve("config.json").toFile(), config);
            return new LlamaForCausalLm(Qwen3Checkpoint.readConfig(dir));
        }
    };

    /**
     * Sizes shared by both architectures.
     *
     * @param hidden        embedding width (GPT-2's n_embd, Qwen3's hidden_size)
     * @param layers        decoder blocks
     * @param heads         attention heads (Qwen3 shares each key/value head between two)
     * @param contextLength positions the model addresses
     */
    public record ModelShape(int hidden, int layers, int heads, int contextLength) {

        public ModelShape {
            if (hidden < 1 || layers < 1 || heads < 2 || contextLength < 2 || hidden % heads != 0) {
                throw new IllegalArgumentException("a source model needs hidden >= 1 divisible by heads >= 2, layers"
                        + " >= 1 and context >= 2; got hidden " + hidden + ", layers " + layers + ", heads " + heads
                        + ", context " + contextLength);
            }
        }

        @Override
        public String toString() {
            return "hidden " + hidden + ", " + layers + " layers, " + heads + " heads, context " + contextLength;
        }
    }

    abstract CausalLanguageModel create(Path dir, int vocab, ModelShape shape) throws IOException;

    /** Random weights drawn from {@code seed}, sized for the tokenizer.json already in {@code dir}. */
    void writeFresh(Path dir, ModelShape shape, long seed) throws IOException {
        int vocab = ModelDirectory.tokenizerIds(dir);
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = create(dir, vocab, shape);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
            ModelDirectory.saveNew(model, dir);
        }
    }
}
