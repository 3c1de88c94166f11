package dev.fuseflow.trainer.model.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.model.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaCheckpointTest {

    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void manager() {
        Engine.getEngine("PyTorch").setRandomSeed(13);
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private float[] logits(LlamaForCausalLm model) {
        NDArray tokens = manager.create(new long[][] {{3, 1, 4, 1, 5}, {0, 9, 2, 6, 5}});
        NDArray mask = manager.create(new long[][] {{1, 1, 1, 1, 1}, {0, 1, 1, 1, 1}});
        return model.forward(new ParameterStore(manager, false), new NDList(tokens, mask), false)
                .singletonOrThrow()
                .toFloatArray();
    }

    @Test
    void saveLoadSaveIsBitForBitAndKeepsTheConfig() throws Exception {
        LlamaForCausalLm model = new LlamaForCausalLm(LlamaConfig.of(17, 16, 24, 2, 4, 2, 32));
        model.initialize(manager, DataType.FLOAT32, new Shape(2, 5), new Shape(2, 5));
        ModelDirectory.saveNew(model, dir.resolve("a"));

        LlamaForCausalLm loaded = LlamaCheckpoint.load(dir.resolve("a"), manager, DataType.FLOAT32);
        ModelDirectory.saveNew(loaded, dir.resolve("b"));

        assertThat(logits(loaded)).containsExactly(logits(model));
        assertThat(loaded.config()).isEqualTo(model.config());
        assertThat(Files.readAllBytes(dir.resolve("b/model.safetensors")))
                .isEqualTo(Files.readAllBytes(dir.resolve("a/model.safetensors")));
    }

    /**
     * DJL's copyTo on CPU makes the target alias the source's memory instead of copying it; a
     * loader that then frees its temporaries leaves weights pointing at freed memory, which the next
     * allocations overwrite. The weights must own their data.
     */
    @Test
    void loadedWeightsOwnTheirMemoryAfterTheLoadersTemporariesAreFreed() throws Exception {
        LlamaForCausalLm model = new LlamaForCausalLm(LlamaConfig.of(17, 16, 24, 2, 4, 2, 32));
        model.initialize(manager, DataType.FLOAT32, new Shape(2, 5), new Shape(2, 5));
        ModelDirectory.saveNew(model, dir.resolve("a"));
        float[] expected = logits(model);
        LlamaForCausalLm loaded = LlamaCheckpoint.load(dir.resolve("a"), manager, DataType.FLOAT32);
        for (int round = 0; round < 20; round++) {
            // Direct buffers of freed temporaries are released when the collector runs; new ones of
            // the same sizes then tend to land on the same memory.
            System.gc();
            Thread.sleep(20);
            try (NDManager scribble = manager.newSubManager()) {
                for (var parameter : loaded.getParameters().values()) {
                    float[] sevens =
                            new float[Math.toIntExact(parameter.getArray().size())];
                    Arrays.fill(sevens, 7f);
                    scribble.create(sevens, parameter.getArray().getShape());
                    scribble.full(parameter.getArray().getShape(), 7f);
                }
            }
        }
        assertThat(logits(loaded)).containsExactly(expected);
    }

    @Test
    void configRulesNameTheFields() {
        assertThatThrownBy(() -> LlamaConfig.of(17, 16, 24, 2, 4, 3, 32))
                .hasMessage("num_attention_heads 4 is not divisible by num_key_value_heads 3");
        assertThatThrownBy(() -> LlamaConfig.of(17, 18, 24, 2, 6, 2, 32))
                .hasMessage("head_dim 3 must be even for rotary embeddings");
    }
}
