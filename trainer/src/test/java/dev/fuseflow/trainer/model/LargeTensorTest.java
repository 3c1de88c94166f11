package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import dev.fuseflow.trainer.model.llama.RopeScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real tensor above 2 GiB: Qwen2.5-7B's float32 embedding (152064 x 3584, 2.18 GB; Llama 3's,
 * 128256 x 4096, stays 46 MB below) in a one-layer model, saved, loaded and saved again, with the
 * test JVM's 384 MB heap, so no tensor can have passed through it whole. Off in CI (it writes
 * 4.5 GB); run it with
 * {@code mvn -o -pl trainer test -Dtest=LargeTensorTest -Dfuseflow.largeTensors=true}. It needs
 * about 5 GB free under java.io.tmpdir and 4 GB of memory, and logs its times and peak RSS.
 */
@EnabledIfSystemProperty(named = "fuseflow.largeTensors", matches = "true")
class LargeTensorTest {

    private static final Logger LOG = LoggerFactory.getLogger(LargeTensorTest.class);
    private static final int VOCAB = 152_064;
    private static final int HIDDEN = 3584;
    private static final String EMBEDDING = "model.embed_tokens.weight";

    @TempDir
    Path dir;

    @Test
    void aFloat32EmbeddingAboveTwoGibibytesSavesLoadsAndSavesAgainBitForBit() throws IOException {
        long start = System.nanoTime();
        Path first = dir.resolve("first");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = new LlamaForCausalLm(config());
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
            ModelDirectory.saveNew(model, first);
        }
        long saved = System.nanoTime();
        Tensor embedding = ShardedCheckpoint.read(first).get(EMBEDDING);
        assertThat(embedding.byteSize()).isGreaterThan(1L << 31);

        Path second = dir.resolve("second");
        long loaded;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = ModelDirectory.load(first, manager, DataType.FLOAT32);
            loaded = System.nanoTime();
            NDArray weights = model.huggingFaceParameters()
                    .entries()
                    .get(EMBEDDING)
                    .parameter()
                    .getArray();
            // Rows on either side of a chunk boundary, of the 2 GiB mark, and the last.
            long rowsPerChunk = HuggingFaceWeights.DEFAULT_CHUNK_ELEMENTS / HIDDEN;
            for (long row : List.of(0L, rowsPerChunk - 1, rowsPerChunk, (1L << 31) / 4 / HIDDEN, VOCAB - 1L)) {
                assertThat(weights.get(row).toFloatArray())
                        .as("row %d", row)
                        .containsExactly(embedding.toFloats(row * HIDDEN, HIDDEN));
            }
            ModelDirectory.saveExact(model, second, first);
        }
        long savedAgain = System.nanoTime();

        Path a = first.resolve(ShardedCheckpoint.SINGLE_FILE);
        Path b = second.resolve(ShardedCheckpoint.SINGLE_FILE);
        assertThat(Files.size(b)).isEqualTo(Files.size(a));
        assertThat(SafeTensors.read(b).tensors()).isEqualTo(SafeTensors.read(a).tensors());
        LOG.info(
                "{} bytes: saved in {} s, loaded (digest checked) in {} s, saved again in {} s; peak RSS {}",
                Files.size(a),
                seconds(saved - start),
                seconds(loaded - saved),
                seconds(savedAgain - loaded),
                Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(line -> line.startsWith("VmHWM"))
                        .findFirst()
                        .orElse("unknown"));
    }

    /** One layer, tied head: the embedding is the model's only large tensor. */
    private static LlamaConfig config() {
        return new LlamaConfig(
                VOCAB,
                HIDDEN,
                1,
                LlamaConfig.Attention.plain(28, 4, 128),
                new LlamaConfig.Mlp(64, false),
                new LlamaConfig.Rope(1_000_000, 8192, new RopeScaling.Default()),
                1e-5f,
                true);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
