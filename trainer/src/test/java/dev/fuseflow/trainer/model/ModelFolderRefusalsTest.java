package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model folder FuseFlow cannot use is refused at start, naming the file and what is wrong. */
class ModelFolderRefusalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aShardTheIndexNamesButTheFolderLacksIsNamed() throws Exception {
        Path model = fresh("model");
        Files.move(model.resolve(ShardedCheckpoint.SINGLE_FILE), model.resolve("model-00001-of-00002.safetensors"));
        ObjectNode index = JSON.createObjectNode();
        ObjectNode weightMap = index.putObject("weight_map");
        SafeTensors.read(model.resolve("model-00001-of-00002.safetensors"))
                .tensors()
                .keySet()
                .forEach(name -> weightMap.put(name, "model-00001-of-00002.safetensors"));
        weightMap.put("lm_head.weight", "model-00002-of-00002.safetensors");
        Files.writeString(model.resolve(ShardedCheckpoint.INDEX_FILE), JSON.writeValueAsString(index));

        assertThatThrownBy(() -> load(model))
                .hasMessageContaining(ShardedCheckpoint.INDEX_FILE)
                .hasMessageContaining("model-00002-of-00002.safetensors (e.g. 'lm_head.weight'), which is missing");
    }

    @Test
    void aTruncatedWeightsFileNamesTheFileAndTheTensor() throws Exception {
        Path model = fresh("model");
        Path weights = model.resolve(ShardedCheckpoint.SINGLE_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length - 1000));

        assertThatThrownBy(() -> load(model))
                .hasMessageContaining(weights.toString())
                .hasMessageContaining("outside the");
    }

    @Test
    void aTokenizerWithMoreIdsThanTheEmbeddingHasRowsIsRefused() throws Exception {
        Path model = fresh("model");
        setVocabSize(model, 50);

        assertThatThrownBy(() -> ModelDirectory.tokenizer(model))
                .hasMessageContaining(model.resolve("tokenizer.json").toString())
                .hasMessageContaining("but field 'vocab_size' of")
                .hasMessageContaining("is 50");
    }

    @Test
    void aReferenceWithAnotherVocabularyIsRefused() throws Exception {
        Path policy = fresh("policy");
        Path reference = fresh("reference");
        assertThatCode(() -> ModelDirectory.requireSameVocabulary(policy, reference))
                .doesNotThrowAnyException();

        setVocabSize(reference, 256);
        assertThatThrownBy(() -> ModelDirectory.requireSameVocabulary(policy, reference))
                .hasMessageContaining("has vocab_size 256 in config.json, the model " + policy + " 128");

        setVocabSize(reference, 128);
        ObjectNode tokenizer =
                (ObjectNode) JSON.readTree(reference.resolve("tokenizer.json").toFile());
        ObjectNode vocab = (ObjectNode) tokenizer.path("model").path("vocab");
        vocab.set("á", vocab.remove("a")); // same size, one token spelled differently
        Files.writeString(reference.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizer));
        assertThatThrownBy(() -> ModelDirectory.requireSameVocabulary(policy, reference))
                .hasMessageContaining("maps tokens to other ids than");
    }

    private Path fresh(String name) throws IOException {
        Path model = dir.resolve(name);
        FreshModel.LLAMA_TINY.write(model, 3);
        return model;
    }

    private static void setVocabSize(Path model, int size) throws IOException {
        ObjectNode config =
                (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        config.put("vocab_size", size);
        Files.writeString(model.resolve("config.json"), JSON.writeValueAsString(config));
    }

    private static void load(Path model) throws IOException {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            ModelDirectory.load(model, manager, DataType.FLOAT32);
        }
    }
}
