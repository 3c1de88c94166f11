package dev.fuseflow.bench.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.tokenizer.ChatTemplates;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import dev.fuseflow.trainer.train.BatchLogps;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.Precision;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parity check's own arithmetic, on the CPU (CI has no GPU; the H200 run is in docs/results.md, "GPU correctness check"). */
class DeviceParityTest {

    @TempDir
    Path dir;

    @Test
    void relativeErrorIsTheNormOfTheDifferenceOverTheReferencesNorm() {
        assertThat(DeviceParity.relativeError(new float[] {3, 4}, new float[] {3, 4}))
                .isZero();
        assertThat(DeviceParity.relativeError(new float[] {3, 4}, new float[] {3, 4.5f}))
                .isEqualTo(0.1, Assertions.within(1e-7));
    }

    @Test
    void theCpuAgreesWithItselfAndFloat16StaysWithinItsTolerance() throws Exception {
        Path model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 42);
        List<PreferenceBatch> batches = new ArrayList<>();
        var tokenizer = ModelDirectory.tokenizer(model);
        try (PromptResponseEncoder encoder = new PromptResponseEncoder(tokenizer, ChatTemplates.builtIn(tokenizer))) {
            PreferenceBatcher batcher = new PreferenceBatcher(encoder, new SequenceBudget(64, 48), 0);
            for (int i = 0; i < 9; i++) {
                batches.add(batcher.batch(ShoutTask.samples(4, 100 + i)));
            }
        }
        ComputeDevice cpu = new ComputeDevice("cpu");
        DeviceParity.Gradients same = DeviceParity.gradients(
                model,
                batches.get(0),
                cpu,
                Precision.FP32,
                new DeviceParity.DevicePath(BatchLogps.Layout.SEPARATE, false));
        assertThat(same.lossError()).isZero();
        assertThat(same.worstGradientError()).isZero();
        assertThat(same.parameters()).isEqualTo(21);
        // The shared prompt and recomputed layers sum in another order: equal within float32 rounding, not bit for bit.
        DeviceParity.Gradients sharedRecomputed = DeviceParity.gradients(
                model,
                batches.get(0),
                cpu,
                Precision.FP32,
                new DeviceParity.DevicePath(BatchLogps.Layout.SHARED_PROMPT, false));
        assertThat(sharedRecomputed.worstGradientError())
                .as("worst: %s", sharedRecomputed.worstParameter())
                .isGreaterThan(0)
                .isLessThan(1e-4);
        assertThat(sharedRecomputed.within(DeviceParity.Tolerance.of(Precision.FP32)))
                .isTrue();
        DeviceParity.Curves curves = DeviceParity.curves(model, batches.subList(1, 9), cpu, Precision.FP32, 3e-3);
        assertThat(curves.worstStepGap()).isZero();
        assertThat(curves.finalGap()).isZero();
        assertThat(curves.within(DeviceParity.Tolerance.of(Precision.FP32)))
                .as("loss falls on both")
                .isTrue();
        // Float16 (the CPU runs it too): RMSNorm's statistics once overflowed here, NaN at any loss scale.
        DeviceParity.Gradients half = DeviceParity.gradients(
                model,
                batches.get(0),
                cpu,
                Precision.FP16_MIXED,
                new DeviceParity.DevicePath(BatchLogps.Layout.SHARED_PROMPT, false));
        assertThat(half.worstGradientError())
                .as("worst: %s", half.worstParameter())
                .isLessThan(5e-2);
        assertThat(half.within(DeviceParity.Tolerance.of(Precision.FP16_MIXED))).isTrue();
    }

    @Test
    void gapsAreMeasuredInUnitsOfTheStartingLoss() {
        DeviceParity.Curves curves =
                DeviceParity.Curves.of(new double[] {0.7, 0.5, 0.3, 0.1}, new double[] {0.7, 0.7, 0.35, 0.1});
        assertThat(curves.worstStepGap()).isCloseTo(0.2 / 0.7, Assertions.within(1e-12));
        assertThat(curves.finalGap()).isZero();
        assertThat(curves.within(DeviceParity.Tolerance.of(Precision.FP16_MIXED)))
                .isTrue();
    }

    @Test
    void aCurveThatRisesFailsTheTrendCheck() {
        assertThat(DeviceParity.Curves.decreasing(new double[] {0.7, 0.6, 0.5, 0.4}))
                .isTrue();
        assertThat(DeviceParity.Curves.decreasing(new double[] {0.4, 0.5, 0.6, 0.7}))
                .isFalse();
    }
}
