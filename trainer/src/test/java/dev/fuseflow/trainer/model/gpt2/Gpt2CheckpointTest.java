package dev.fuseflow.trainer.model.gpt2;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2CheckpointTest {

    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void manager() {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private float[] logits(Gpt2LmHeadModel model) {
        NDArray tokens = manager.create(new long[][] {{3, 1, 4, 1, 5}, {0, 9, 2, 6, 5}});
        NDArray mask = manager.create(new long[][] {{1, 1, 1, 1, 1}, {0, 1, 1, 1, 1}});
        return model.forward(new ParameterStore(manager, false), new NDList(tokens, mask), false)
                .singletonOrThrow()
                .toFloatArray();
    }

    @Test
    void saveLoadSaveIsBitForBitAndGivesTheSameLogits() throws Exception {
        Gpt2LmHeadModel model = new Gpt2LmHeadModel(new Gpt2Config(13, 16, 8, 2, 2, 1e-5f));
        model.initialize(manager, DataType.FLOAT32, new Shape(2, 5), new Shape(2, 5));
        ModelDirectory.saveNew(model, dir.resolve("a"));

        Gpt2LmHeadModel loaded = Gpt2Checkpoint.load(dir.resolve("a"), manager, DataType.FLOAT32);
        ModelDirectory.saveNew(loaded, dir.resolve("b"));

        assertThat(logits(loaded)).containsExactly(logits(model));
        assertThat(Files.readAllBytes(dir.resolve("b/model.safetensors")))
                .isEqualTo(Files.readAllBytes(dir.resolve("a/model.safetensors")));
        assertThat(Files.readString(dir.resolve("a/config.json")))
                .contains("\"model_type\" : \"gpt2\"")
                .contains("\"n_embd\" : 8");
        assertThat(loaded.config()).isEqualTo(model.config());
    }

    @Test
    void aForeignConfigIsRefusedByName() throws Exception {
        Files.createDirectories(dir.resolve("llama"));
        Files.writeString(dir.resolve("llama/config.json"), "{\"model_type\":\"llama\"}");
        assertThatThrownBy(() -> Gpt2Checkpoint.load(dir.resolve("llama"), manager, DataType.FLOAT32))
                .hasMessageContaining("has model_type 'llama', this loader reads 'gpt2'");
    }
}
