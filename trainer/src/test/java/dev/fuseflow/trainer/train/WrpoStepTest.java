package dev.fuseflow.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.model.gpt2.Gpt2Checkpoint;
import dev.fuseflow.trainer.model.gpt2.Gpt2Config;
import dev.fuseflow.trainer.model.gpt2.Gpt2LmHeadModel;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrpoStepTest {

    private static final Gpt2Config TINY = new Gpt2Config(24, 16, 16, 1, 2, 1e-5f);
    private static final int T = 10;

    @TempDir
    Path dir;

    private NDManager manager;
    private Gpt2LmHeadModel policy;
    private Gpt2LmHeadModel reference;

    @BeforeEach
    void models() throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        manager = NDManager.newBaseManager("PyTorch");
        Gpt2LmHeadModel start = new Gpt2LmHeadModel(TINY);
        start.initialize(manager, DataType.FLOAT32, new Shape(1, T), new Shape(1, T));
        ModelDirectory.saveNew(start, dir);
        // The reference is a frozen copy of where the policy starts, as in the paper.
        policy = Gpt2Checkpoint.load(dir, manager, DataType.FLOAT32);
        reference = Gpt2Checkpoint.load(dir, manager, DataType.FLOAT32);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static PreferenceBatch batch(Random random, int size) {
        long[][][] tokens = new long[3][size][T];
        long[][] attention = new long[size][T];
        long[][] response = new long[size][T];
        for (int b = 0; b < size; b++) {
            Arrays.fill(attention[b], 1);
            for (int t = 0; t < T; t++) {
                long promptToken = 1 + random.nextInt(TINY.vocabSize() - 1);
                for (int kind = 0; kind < 3; kind++) {
                    // Responses (second half): y_ws and y_wt copy the prompt, y_l is noise.
                    tokens[kind][b][t] = t < T / 2
                            ? promptToken
                            : kind == 2 ? 1 + random.nextInt(TINY.vocabSize() - 1) : tokens[kind][b][t - T / 2];
                }
                response[b][t] = t >= T / 2 ? 1 : 0;
            }
        }
        double[] weights = new double[size];
        Arrays.fill(weights, 1.0);
        return new PreferenceBatch(
                new PreferenceBatch.Sequences(tokens[0], attention, response),
                new PreferenceBatch.Sequences(tokens[1], attention, response),
                new PreferenceBatch.Sequences(tokens[2], attention, response),
                weights);
    }

    @Test
    void firstStepIsLn2AndTrainingWidensTheMargin() {
        WrpoStep step = new WrpoStep(policy, reference, manager, new CosineWarmupSchedule(3e-3, 3e-4, 5, 200), 1.0);
        Random random = new Random(1);
        WrpoStep.Outcome first = step.apply(batch(random, 8), 0.3, 0.5);
        assertThat(first.loss()).isCloseTo(Math.log(2), within(1e-5));
        WrpoStep.Outcome last = first;
        for (int i = 0; i < 150; i++) {
            last = step.apply(batch(random, 8), 0.3, 0.5);
        }
        assertThat(last.loss()).isLessThan(0.5);
        assertThat(last.chosenReward() - last.rejectedReward()).isGreaterThan(0.5);
        assertThat(last.accuracy()).isGreaterThan(0.8);
        assertThat(step.skippedUpdates()).isZero();
    }

    @Test
    void aPoisonedBatchIsSkippedAndTheModelIsUntouched() {
        WrpoStep step = new WrpoStep(policy, reference, manager, new CosineWarmupSchedule(1e-3, 1e-4, 1, 100), 1.0);
        Random random = new Random(2);
        step.apply(batch(random, 4), 0.1, 0.5);
        float[] before = policy.getParameters().get(0).getValue().getArray().toFloatArray();
        PreferenceBatch poisoned = batch(random, 4);
        poisoned.weights()[2] = Double.NaN;

        WrpoStep.Outcome outcome = step.apply(poisoned, 0.1, 0.5);

        assertThat(outcome.applied()).isFalse();
        assertThat(step.skippedUpdates()).isEqualTo(1);
        assertThat(policy.getParameters().get(0).getValue().getArray().toFloatArray())
                .containsExactly(before);
        WrpoStep.Outcome next = step.apply(batch(random, 4), 0.1, 0.5);
        assertThat(next.applied()).isTrue();
        assertThat(next.loss()).isFinite();
        assertThat(next.gradNorm()).isFinite();
    }

    @Test
    void twoAccumulatedHalvesUpdateLikeTheWholeBatch() throws IOException {
        PreferenceBatch whole = batch(new Random(9), 4);
        float[] oneBatch = updatedWeights(1, List.of(whole));
        float[] twoHalves = updatedWeights(2, List.of(half(whole, 0), half(whole, 2)));
        assertThat(twoHalves).usingComparatorWithPrecision(1e-6f).containsExactly(oneBatch);
        assertThat(oneBatch)
                .isNotEqualTo(
                        policy.getParameters().get(0).getValue().getArray().toFloatArray());
    }

    @Test
    void checkpointedLayersUpdateLikeTheWholeGraph() throws IOException {
        PreferenceBatch batch = batch(new Random(11), 4);
        float[] plain = updatedWeights(1, List.of(batch));
        float[] checkpointed = updatedWeights(1, List.of(batch), true);
        assertThat(checkpointed).usingComparatorWithPrecision(1e-6f).containsExactly(plain);
    }

    private float[] updatedWeights(int accumulation, List<PreferenceBatch> microBatches) throws IOException {
        return updatedWeights(accumulation, microBatches, false);
    }

    /** The first parameter after one optimizer update from the shared starting point. */
    private float[] updatedWeights(int accumulation, List<PreferenceBatch> microBatches, boolean checkpointLayers)
            throws IOException {
        Gpt2LmHeadModel model = Gpt2Checkpoint.load(dir, manager, DataType.FLOAT32);
        WrpoStep step = new WrpoStep(
                model,
                reference,
                manager,
                new UpdateSettings(
                                new CosineWarmupSchedule(1e-2, 1e-3, 1, 10),
                                AdamW.Settings.PYTORCH,
                                100.0,
                                accumulation)
                        .checkpointingLayers(checkpointLayers));
        WrpoStep.Outcome last = null;
        for (PreferenceBatch micro : microBatches) {
            last = step.apply(micro, 0.4, 0.5);
        }
        assertThat(last.applied()).isTrue();
        return model.getParameters().get(0).getValue().getArray().toFloatArray();
    }

    private static PreferenceBatch half(PreferenceBatch batch, int from) {
        return new PreferenceBatch(
                rows(batch.sourceChosen(), from),
                rows(batch.targetChosen(), from),
                rows(batch.rejected(), from),
                Arrays.copyOfRange(batch.weights(), from, from + 2));
    }

    private static PreferenceBatch.Sequences rows(PreferenceBatch.Sequences s, int from) {
        return new PreferenceBatch.Sequences(
                Arrays.copyOfRange(s.tokens(), from, from + 2),
                Arrays.copyOfRange(s.attention(), from, from + 2),
                Arrays.copyOfRange(s.response(), from, from + 2));
    }

    /** Bit for bit with one intra-op thread (the build's setting); with more, CPU kernels may reorder sums. */
    @Test
    void theSameSeedAndDataGiveTheSameRunBitForBit() throws IOException {
        double[] first = run(17);
        double[] second = run(17);
        assertThat(second).containsExactly(first);
        assertThat(run(18)).isNotEqualTo(first);
    }

    /** Losses of 20 steps from a model initialized with {@code seed}. */
    private double[] run(int seed) throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(seed);
        Path folder = dir.resolve("seed-" + seed + "-" + System.nanoTime());
        Gpt2LmHeadModel start = new Gpt2LmHeadModel(TINY);
        start.initialize(manager, DataType.FLOAT32, new Shape(1, T), new Shape(1, T));
        ModelDirectory.saveNew(start, folder);
        WrpoStep step = new WrpoStep(
                Gpt2Checkpoint.load(folder, manager, DataType.FLOAT32),
                Gpt2Checkpoint.load(folder, manager, DataType.FLOAT32),
                manager,
                new CosineWarmupSchedule(1e-3, 1e-4, 2, 20),
                1.0);
        Random random = new Random(seed);
        double[] losses = new double[20];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = step.apply(batch(random, 4), 0.2, 0.5).loss();
        }
        return losses;
    }

    /** DJL users report native leaks; 2,000 steps must not grow the process after warm-up. */
    @Test
    void residentMemoryStaysFlatOverTwoThousandSteps() throws IOException {
        WrpoStep step = new WrpoStep(policy, reference, manager, new CosineWarmupSchedule(1e-3, 1e-4, 10, 2_000), 1.0);
        PreferenceBatch batch = batch(new Random(3), 4);
        // The allocator settles after some 1,000 steps (9,000-step probes: flat from there on, in either layout).
        for (int i = 0; i < 1_500; i++) {
            step.apply(batch, 0.1, 0.5);
        }
        System.gc();
        long afterWarmup = residentKb();
        for (int i = 0; i < 2_000; i++) {
            assertThat(step.apply(batch, 0.1, 0.5).loss()).isFinite();
        }
        System.gc();
        long growthKb = residentKb() - afterWarmup;
        System.out.printf("RSS after warm-up %d KiB, growth over 2,000 steps %d KiB%n", afterWarmup, growthKb);
        assertThat(growthKb).isLessThan(16 * 1024);
    }

    private static long residentKb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst()
                .orElseThrow();
    }
}
