package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.format.TensorDType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tensors move between files and devices in chunks so that none has to fit one Java array; a chunk
 * limit of a few elements forces many chunks on the golden models (odd counts, rows longer than a
 * chunk, GPT-2's transposed Conv1D weights) and must change nothing, bit for bit.
 */
class HuggingFaceWeightsChunksTest {

    /** Shorter than every row of the golden models (hidden sizes 32 and up), and odd. */
    private static final long ROW_SPLITTING = 7;
    /** Several rows per chunk and a remainder. */
    private static final long ROW_GROUPS = 100;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "gpt2-tiny-bf16", "llama-bias-head-dim", "qwen3-bias-tied-bf16"})
    void loadingInChunksFillsTheSameWeights(String golden) throws Exception {
        Path folder = golden(golden);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel whole = ModelDirectory.load(folder, manager, DataType.FLOAT32);
            for (long limit : new long[] {ROW_SPLITTING, ROW_GROUPS}) {
                CausalLanguageModel chunked = ModelDirectory.load(folder, manager, DataType.FLOAT32);
                chunked.huggingFaceParameters()
                        .entries()
                        .values()
                        .forEach(e -> e.parameter().getArray().muli(0));

                HuggingFaceWeights.load(chunked.huggingFaceParameters(), folder, manager, limit);

                Map<String, HuggingFaceNames.Entry> expected =
                        whole.huggingFaceParameters().entries();
                chunked.huggingFaceParameters()
                        .entries()
                        .forEach((name, e) -> assertThat(e.parameter()
                                        .getArray()
                                        .contentEquals(
                                                expected.get(name).parameter().getArray()))
                                .as("%s with chunks of %d", name, limit)
                                .isTrue());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16", "BF16"})
    void savingInChunksWritesTheSameBytesAndTheValuesComeBack(String dtypeName) throws Exception {
        TensorDType dtype = TensorDType.valueOf(dtypeName);
        for (String golden : new String[] {"gpt2-tiny", "llama-bias-head-dim"}) {
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                CausalLanguageModel model = ModelDirectory.load(golden(golden), manager, DataType.FLOAT32);
                HuggingFaceNames names = model.huggingFaceParameters();
                Path whole = Files.createDirectories(dir.resolve(golden + dtype + "-whole"));
                HuggingFaceWeights.save(names, whole, dtype, Long.MAX_VALUE);
                for (long limit : new long[] {ROW_SPLITTING, ROW_GROUPS}) {
                    Path chunked = Files.createDirectories(dir.resolve(golden + dtype + "-" + limit));
                    HuggingFaceWeights.save(names, chunked, dtype, Long.MAX_VALUE, limit);
                    assertThat(Files.readAllBytes(chunked.resolve(ShardedCheckpoint.SINGLE_FILE)))
                            .as("%s as %s in chunks of %d", golden, dtype, limit)
                            .isEqualTo(Files.readAllBytes(whole.resolve(ShardedCheckpoint.SINGLE_FILE)));
                }
                Path sharded = Files.createDirectories(dir.resolve(golden + dtype + "-sharded"));
                HuggingFaceWeights.save(names, sharded, dtype, 4_000, ROW_SPLITTING);
                assertThat(ShardedCheckpoint.read(sharded)).isEqualTo(ShardedCheckpoint.read(whole));

                CausalLanguageModel again = ModelDirectory.load(golden(golden), manager, DataType.FLOAT32);
                HuggingFaceWeights.load(again.huggingFaceParameters(), sharded, manager, ROW_GROUPS);
                again.huggingFaceParameters().entries().forEach((name, e) -> {
                    NDArray saved = names.entries().get(name).parameter().getArray();
                    assertThat(e.parameter().getArray().toFloatArray())
                            .as("%s of %s as %s", name, golden, dtype)
                            .containsExactly(rounded(saved, dtype));
                });
            }
        }
    }

    /**
     * What {@code dtype} keeps of the values, rounded as HalfFloatsTest checks bit for bit (DJL's own
     * cast to bfloat16 aborts the JVM on the CPU); reading them also shows the model survived saving.
     */
    private static float[] rounded(NDArray values, TensorDType dtype) {
        return Tensor.ofFloats(dtype, values.getShape().getShape(), values.toFloatArray())
                .toFloats();
    }

    private Path golden(String name) throws Exception {
        return Path.of(getClass().getResource("/golden/" + name).toURI());
    }
}
