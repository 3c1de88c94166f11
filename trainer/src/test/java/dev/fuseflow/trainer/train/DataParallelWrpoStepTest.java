package dev.fuseflow.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.kernels.NativeKernels;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.tokenizer.BuiltInChatTemplate;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-parallel step's arithmetic on the CPU (CI has one device; the two-H200 run is in
 * docs/results.md, "Data-parallel check"): split into shares with weight-proportional losses, its
 * updates equal the one-device step's on the same batches.
 */
class DataParallelWrpoStepTest {

    @TempDir
    Path dir;

    @Test
    void sharesWithWeightedLossesUpdateAsTheWholeBatchDoes() throws Exception {
        Path model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 5);
        List<PreferenceBatch> batches = new ArrayList<>();
        try (PromptResponseEncoder encoder =
                new PromptResponseEncoder(ModelDirectory.tokenizer(model), BuiltInChatTemplate.FUSEFLOW)) {
            PreferenceBatcher batcher = new PreferenceBatcher(encoder, new SequenceBudget(64, 48), 0);
            for (int i = 0; i < 4; i++) {
                List<WrpoExample> samples = ShoutTask.samples(6, 40 + i);
                PreferenceBatch batch = batcher.batch(samples);
                double[] uneven = {1.0, 0.5, 2.0, 1.0, 0.25, 1.5}; // shares of unequal weight
                batches.add(new PreferenceBatch(batch.sourceChosen(), batch.targetChosen(), batch.rejected(), uneven));
            }
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            CausalLanguageModel onePolicy = ModelDirectory.load(model, manager, DataType.FLOAT32);
            CausalLanguageModel twoPolicy = ModelDirectory.load(model, manager, DataType.FLOAT32);
            WrpoStep one =
                    new WrpoStep(onePolicy, ModelDirectory.load(model, manager, DataType.FLOAT32), manager, settings());
            DataParallelWrpoStep two = new DataParallelWrpoStep(
                    twoPolicy,
                    ModelDirectory.load(model, manager, DataType.FLOAT32),
                    manager,
                    settings(),
                    List.of(Device.cpu(), Device.cpu()));
            // libtorch's vectorised CPU SiLU (the native SwiGLU) rounds an element by where it falls in a
            // vector, so a shard's activations can differ from the whole batch's by an ulp: after four
            // updates the losses then differ by about 2e-6. The pure-DJL path agrees within 1e-6.
            double lossTolerance = NativeKernels.available() ? 1e-5 : 1e-6;
            for (PreferenceBatch batch : batches) {
                WrpoStep.Outcome whole = one.apply(batch, 0.1, 0.1);
                WrpoStep.Outcome split = two.apply(batch, 0.1, 0.1);
                assertThat(split.loss()).isCloseTo(whole.loss(), within(lossTolerance));
                assertThat(split.gradNorm()).isCloseTo(whole.gradNorm(), within(1e-5 * Math.max(1, whole.gradNorm())));
                assertThat(split.applied()).isTrue();
            }
            float[] a = onePolicy.getParameters().get(0).getValue().getArray().toFloatArray();
            float[] b = twoPolicy.getParameters().get(0).getValue().getArray().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).isCloseTo(a[i], within(1e-5f));
            }
        }
    }

    @Test
    void theFirstDeviceMustBeTheWeightsOwn() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertThatThrownBy(() -> new DataParallelWrpoStep(
                            null, null, manager, settings(), List.of(Device.gpu(0), Device.cpu())))
                    .hasMessageContaining("first device");
        }
    }

    private static UpdateSettings settings() {
        return new UpdateSettings(new CosineWarmupSchedule(3e-3, 3e-4, 1, 100), AdamW.Settings.PYTORCH, 1.0, 1);
    }
}
