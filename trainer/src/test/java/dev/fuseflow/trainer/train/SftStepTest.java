package dev.fuseflow.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SftStepTest {

    private static final int T = 12;
    private static final int V = 20;

    /** Responses repeat the prompt: learnable, so the loss must fall well below its start. */
    private static PreferenceBatch.Sequences copyTask(Random random, int size) {
        long[][] tokens = new long[size][T];
        long[][] attention = new long[size][T];
        long[][] response = new long[size][T];
        for (int b = 0; b < size; b++) {
            Arrays.fill(attention[b], 1);
            for (int t = 0; t < T; t++) {
                tokens[b][t] = t < T / 2 ? 1 + random.nextInt(V - 1) : tokens[b][t - T / 2];
                response[b][t] = t >= T / 2 ? 1 : 0;
            }
        }
        return new PreferenceBatch.Sequences(tokens, attention, response);
    }

    @Test
    void sftOnALlamaLearnsToCopy() {
        Engine.getEngine("PyTorch").setRandomSeed(4);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = llama(manager, LlamaConfig.of(V, 32, 64, 2, 4, 2, 32));
            SftStep step = new SftStep(model, manager, new CosineWarmupSchedule(3e-3, 3e-4, 10, 400), 1.0, 1);
            Random random = new Random(4);
            SftStep.Outcome first = step.apply(copyTask(random, 16));
            SftStep.Outcome last = first;
            for (int i = 0; i < 300; i++) {
                last = step.apply(copyTask(random, 16));
            }
            assertThat(first.responseTokens()).isEqualTo(16L * (T / 2 - 1) + 16);
            assertThat(first.loss()).isGreaterThan(Math.log(V) * 0.8);
            assertThat(last.loss()).isLessThan(first.loss() * 0.5);
            assertThat(step.skippedUpdates()).isZero();
        }
    }

    @Test
    void accumulationMustBePositive() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = llama(manager, LlamaConfig.of(V, 16, 32, 1, 2, 1, 32));
            assertThatThrownBy(() -> new SftStep(model, manager, new CosineWarmupSchedule(1e-3, 0, 1, 10), 1.0, 0))
                    .hasMessage("gradient accumulation must be at least 1 micro-batch, got 0");
        }
    }

    @Test
    void aScheduleReadAtAPositionFollowsThatPositionNotTheUpdateCount() {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = llama(manager, LlamaConfig.of(V, 16, 32, 1, 2, 1, 32));
            // Peak 1e-2 from the first update, 0 once 100 samples have trained.
            CosineWarmupSchedule schedule = new CosineWarmupSchedule(1e-2, 0, 0, 100);
            long[] samplesTrained = {0};
            SftStep step =
                    new SftStep(model, manager, UpdateSettings.of(schedule).scheduledBy(() -> samplesTrained[0]));
            Random random = new Random(5);
            float[] before = firstWeight(model);
            step.apply(copyTask(random, 8));
            float[] afterPeak = firstWeight(model);
            assertThat(afterPeak).isNotEqualTo(before);
            samplesTrained[0] = 100; // the end of the stage: the rate is at its floor of 0
            step.apply(copyTask(random, 8));
            assertThat(firstWeight(model)).isEqualTo(afterPeak);
        }
    }

    private static LlamaForCausalLm llama(NDManager manager, LlamaConfig config) {
        LlamaForCausalLm model = new LlamaForCausalLm(config);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, T), new Shape(1, T));
        return model;
    }

    private static float[] firstWeight(LlamaForCausalLm model) {
        return model.getParameters().valueAt(0).getArray().toFloatArray();
    }
}
