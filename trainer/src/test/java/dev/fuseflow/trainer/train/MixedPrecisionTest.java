package dev.fuseflow.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.tokenizer.BuiltInChatTemplate;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixed-precision mode's logic on CPU (PyTorch runs float16 there too): float16 weights and
 * activations, float32 masters and log-softmax, dynamic loss scaling with overflow skips, and
 * checkpoint state that resumes exactly.
 */
class MixedPrecisionTest {

    @TempDir
    static Path dir;

    private NDManager manager;

    @BeforeEach
    void start() throws IOException {
        manager = NDManager.newBaseManager("PyTorch");
        if (!dir.resolve("start/config.json").toFile().exists()) {
            FreshModel.LLAMA_TINY.write(dir.resolve("start"), 3);
        }
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private WrpoStep step(Precision precision) throws IOException {
        CausalLanguageModel policy = ModelDirectory.load(dir.resolve("start"), manager, precision.computeType());
        CausalLanguageModel reference = ModelDirectory.load(dir.resolve("start"), manager, precision.computeType());
        return new WrpoStep(
                policy,
                reference,
                manager,
                new UpdateSettings(
                        new CosineWarmupSchedule(3e-3, 3e-4, 2, 100), AdamW.Settings.PYTORCH, 1.0, 1, precision));
    }

    /** The demo workload, tokenized as the trainer does. */
    private List<PreferenceBatch> shoutBatches(int count, int size, long seed) throws IOException {
        List<WrpoExample> samples = ShoutTask.samples(count * size, seed);
        List<PreferenceBatch> batches = new ArrayList<>();
        try (PromptResponseEncoder encoder = new PromptResponseEncoder(
                ModelDirectory.tokenizer(dir.resolve("start")), BuiltInChatTemplate.FUSEFLOW)) {
            PreferenceBatcher batcher = new PreferenceBatcher(encoder, new SequenceBudget(64, 48), 0);
            for (int i = 0; i < count; i++) {
                batches.add(batcher.batch(samples.subList(i * size, (i + 1) * size)));
            }
        }
        return batches;
    }

    @Test
    void mixedPrecisionFollowsFloat32AndKeepsFloat32Masters() throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        WrpoStep full = step(Precision.FP32);
        WrpoStep mixed = step(Precision.FP16_MIXED);
        double fullLoss = 0;
        double mixedLoss = 0;
        List<PreferenceBatch> batches = shoutBatches(40, 16, 4);
        for (int i = 0; i < batches.size(); i++) {
            fullLoss = full.apply(batches.get(i), 0.1, 0.1).loss();
            WrpoStep.Outcome outcome = mixed.apply(batches.get(i), 0.1, 0.1);
            mixedLoss = outcome.loss();
            if (i == 0) {
                assertThat(mixedLoss).as("policy = reference at the start").isCloseTo(Math.log(2), within(1e-3));
            }
        }
        assertThat(fullLoss).isLessThan(0.3);
        assertThat(mixedLoss).isLessThan(0.3).isCloseTo(fullLoss, within(0.1));
        Map<String, NDArray> state = mixed.checkpointArrays();
        assertThat(state.keySet()).anyMatch(k -> k.startsWith("master."));
        state.entrySet().stream()
                .filter(e -> e.getKey().startsWith("master."))
                .forEach(e -> assertThat(e.getValue().getDataType()).isEqualTo(DataType.FLOAT32));
        assertThat(mixed.checkpointMetadata()).containsKeys("adamw_step", "loss_scale", "loss_scale_clean_steps");
        assertThat(full.checkpointArrays().keySet()).noneMatch(k -> k.startsWith("master."));
    }

    @Test
    void anOverflowSkipsTheUpdateHalvesTheScaleAndLeavesTheWeights() throws IOException {
        WrpoStep mixed = step(Precision.FP16_MIXED);
        Map<String, String> metadata = new LinkedHashMap<>(mixed.checkpointMetadata());
        metadata.put("loss_scale", Double.toString(Math.pow(2, 40)));
        mixed.restore(copies(mixed.checkpointArrays()), metadata);
        Map<String, Tensor> before = copies(mixed.checkpointArrays());
        List<PreferenceBatch> batches = shoutBatches(41, 4, 5);

        WrpoStep.Outcome overflow = mixed.apply(batches.get(0), 0.1, 0.5);

        assertThat(overflow.applied()).isFalse();
        assertThat(overflow.loss())
                .as("the loss itself is finite; its scaled gradients are not")
                .isFinite();
        assertThat(mixed.skippedUpdates()).isEqualTo(1);
        assertThat(Double.parseDouble(mixed.checkpointMetadata().get("loss_scale")))
                .isEqualTo(Math.pow(2, 39));
        assertThat(copies(mixed.checkpointArrays())).isEqualTo(before);
        boolean applied = false;
        for (int i = 1; i < batches.size() && !applied; i++) {
            applied = mixed.apply(batches.get(i), 0.1, 0.5).applied();
        }
        assertThat(applied)
                .as("the scale comes down until gradients fit float16")
                .isTrue();
        assertThat(Double.parseDouble(mixed.checkpointMetadata().get("loss_scale")))
                .isLessThan(Math.pow(2, 30));
    }

    @Test
    void restoredMixedStateContinuesBitForBit() throws IOException {
        List<PreferenceBatch> batches = shoutBatches(5, 4, 6);
        WrpoStep straight = step(Precision.FP16_MIXED);
        batches.forEach(batch -> straight.apply(batch, 0.1, 0.5));

        WrpoStep first = step(Precision.FP16_MIXED);
        batches.subList(0, 3).forEach(batch -> first.apply(batch, 0.1, 0.5));
        Map<String, Tensor> saved = copies(first.checkpointArrays());
        Map<String, String> metadata = first.checkpointMetadata();
        WrpoStep resumed = step(Precision.FP16_MIXED);
        resumed.restore(saved, metadata);
        batches.subList(3, 5).forEach(batch -> resumed.apply(batch, 0.1, 0.5));

        assertThat(copies(resumed.checkpointArrays())).isEqualTo(copies(straight.checkpointArrays()));
    }

    @Test
    void mixedPrecisionRefusesFloat32Weights() throws IOException {
        CausalLanguageModel policy = ModelDirectory.load(dir.resolve("start"), manager, DataType.FLOAT32);
        assertThatThrownBy(() -> new WrpoStep(
                        policy,
                        policy,
                        manager,
                        new UpdateSettings(
                                new CosineWarmupSchedule(1e-3, 0, 1, 10),
                                AdamW.Settings.PYTORCH,
                                1.0,
                                1,
                                Precision.FP16_MIXED)))
                .hasMessageContaining("mixed precision needs float16 weights");
    }

    private static Map<String, Tensor> copies(Map<String, NDArray> arrays) {
        Map<String, Tensor> copies = new LinkedHashMap<>();
        arrays.forEach((name, array) -> copies.put(
                name,
                Tensor.ofFloats(
                        array.getShape().getShape(),
                        array.toType(DataType.FLOAT32, true).toFloatArray())));
        return copies;
    }
}
