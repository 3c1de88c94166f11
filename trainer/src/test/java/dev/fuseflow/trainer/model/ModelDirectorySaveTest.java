package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.format.TensorDType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A published version is saved as its base was: config.json field for field, the weights in the
 * base's dtype under the base's tensor names (a tied head stays unstored), the generation config
 * carried along; checkpoints are float32 whatever the base. (That transformers loads such folders
 * and computes FuseFlow's logits is checked by ExportForTransformers and check_fuseflow_export.py.)
 */
class ModelDirectorySaveTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aPublishedVersionKeepsTheBasesConfigDtypeAndTensorNames() throws Exception {
        Path base = baseWithGenerationConfig("qwen3-bias-tied-bf16");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = ModelDirectory.load(base, manager, DataType.FLOAT32);

            ModelDirectory.save(model, dir.resolve("published"), base);
        }

        Path published = dir.resolve("published");
        assertThat(JSON.readTree(published.resolve("config.json").toFile()))
                .isEqualTo(JSON.readTree(base.resolve("config.json").toFile()));
        Map<String, Tensor> saved = ShardedCheckpoint.read(published);
        Map<String, Tensor> original = ShardedCheckpoint.read(base);
        assertThat(saved.keySet()).isEqualTo(original.keySet()).doesNotContain("lm_head.weight");
        // bf16 widened to float32 and rounded back is exact: the untouched weights come back bit for bit.
        assertThat(saved).isEqualTo(original);
        assertThat(saved.values()).allMatch(t -> t.dtype() == TensorDType.BF16);
        assertThat(published.resolve("generation_config.json"))
                .hasSameTextualContentAs(base.resolve("generation_config.json"));
    }

    @Test
    void aCheckpointIsFloat32AndSaysSoInItsConfig() throws Exception {
        Path base = baseWithGenerationConfig("llama-tied-bf16");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = ModelDirectory.load(base, manager, DataType.FLOAT32);

            ModelDirectory.saveExact(model, dir.resolve("checkpoint"), base);
        }

        JsonNode config = JSON.readTree(dir.resolve("checkpoint/config.json").toFile());
        assertThat(config.path("dtype").asText()).isEqualTo("float32");
        ObjectNode rest = ((ObjectNode) config).deepCopy();
        rest.remove("dtype");
        ObjectNode baseRest =
                (ObjectNode) JSON.readTree(base.resolve("config.json").toFile());
        baseRest.remove("dtype");
        assertThat(rest).as("every other field as the base has it").isEqualTo(baseRest);
        assertThat(ShardedCheckpoint.read(dir.resolve("checkpoint")).values())
                .allMatch(t -> t.dtype() == TensorDType.F32);
    }

    @Test
    void aFolderAboveTheShardLimitIsWrittenInShardsWithAnIndexAndReadsBackExactly() throws Exception {
        Path base = baseWithGenerationConfig("qwen2-tiny");
        Path out = dir.resolve("sharded");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = ModelDirectory.load(base, manager, DataType.FLOAT32);
            ModelDirectory.save(model, out, base);
            HuggingFaceWeights.save(model.huggingFaceParameters(), out, TensorDType.F32, 4_000);
        }

        JsonNode index = JSON.readTree(out.resolve(ShardedCheckpoint.INDEX_FILE).toFile());
        long shards = Files.list(out)
                .filter(f -> f.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                .count();
        assertThat(shards).isGreaterThan(2);
        assertThat(out.resolve(ShardedCheckpoint.SINGLE_FILE))
                .as("the earlier layout is gone")
                .doesNotExist();
        assertThat(index.path("weight_map").size())
                .isEqualTo(ShardedCheckpoint.read(base).size());
        assertThat(ShardedCheckpoint.read(out)).isEqualTo(ShardedCheckpoint.read(base));
        long total = ShardedCheckpoint.read(base).values().stream()
                .mapToLong(t -> t.data().remaining())
                .sum();
        assertThat(index.path("metadata").path("total_size").asLong()).isEqualTo(total);
    }

    private Path baseWithGenerationConfig(String golden) throws Exception {
        Path source = Path.of(getClass().getResource("/golden/" + golden).toURI());
        Path base = dir.resolve("base");
        Files.createDirectories(base);
        for (String file : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(source.resolve(file), base.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(base.resolve("generation_config.json"), "{\"temperature\": 0.6, \"top_p\": 0.9}");
        return base;
    }
}
