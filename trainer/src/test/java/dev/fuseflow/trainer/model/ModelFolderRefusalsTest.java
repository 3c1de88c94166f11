package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import dev.fuseflow.trainer.format.TensorDType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
    void aShardShortOfOneByteIsRefusedNamingTheShardAndTheTensor() throws Exception {
        Path model = fresh("model");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel loaded = ModelDirectory.load(model, manager, DataType.FLOAT32);
            HuggingFaceWeights.save(loaded.huggingFaceParameters(), model, TensorDType.F32, 40_000);
        }
        Path shard;
        try (var files = Files.list(model)) {
            shard = files.filter(f -> f.getFileName().toString().startsWith("model-00002-of-"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, Arrays.copyOf(bytes, bytes.length - 1));

        assertThatThrownBy(() -> load(model))
                .hasMessageContaining(shard + ": tensor '")
                .hasMessageContaining("outside the");
    }

    @Test
    void weightsAlteredAfterFuseFlowSavedThemAreRefusedNamingTheFileAndBothDigests() throws Exception {
        Path model = fresh("model");
        Path weights = model.resolve(ShardedCheckpoint.SINGLE_FILE);
        String saved = SafeTensors.read(weights).metadata().getOrDefault(SafeTensors.DATA_SHA256, "");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x10; // one bit of one weight, as a bad disk or a careless edit would
        Files.write(weights, bytes);

        assertThatThrownBy(() -> load(model))
                .hasMessageContaining(weights + " was altered or damaged after FuseFlow wrote it")
                .hasMessageMatching("(?s).*tensor bytes have SHA-256 [0-9a-f]{64}, its header's "
                        + SafeTensors.DATA_SHA256 + " says [0-9a-f]{64}.*");
        assertThat(saved).as("the digest is not metadata a reader sees").isEmpty();
    }

    @Test
    void aHubCacheSnapshotWithADamagedBlobIsRefused() throws Exception {
        Path model = fresh("model");
        Path repo = dir.resolve("hub/models--org--tiny");
        Path snapshot = Files.createDirectories(repo.resolve("snapshots/0123abcd"));
        Files.createDirectories(repo.resolve("blobs"));
        for (Path file : List.of(model.resolve("config.json"), model.resolve(ShardedCheckpoint.SINGLE_FILE))) {
            byte[] bytes = Files.readAllBytes(file);
            String sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            Files.write(repo.resolve("blobs").resolve(sha), bytes);
            Files.createSymbolicLink(snapshot.resolve(file.getFileName()), Path.of("../../blobs/" + sha));
        }
        assertThatCode(() -> load(snapshot)).doesNotThrowAnyException();

        Path blob = snapshot.resolve(ShardedCheckpoint.SINGLE_FILE).toRealPath();
        Files.write(blob, Arrays.copyOf(Files.readAllBytes(blob), 4096)); // a download cut short

        assertThatThrownBy(() -> load(snapshot))
                .hasMessageContaining(snapshot.resolve(ShardedCheckpoint.SINGLE_FILE) + " links to the Hugging Face")
                .hasMessageContaining("named for SHA-256 " + blob.getFileName())
                .hasMessageContaining("but its content has SHA-256 ");
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
