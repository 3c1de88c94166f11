package dev.fuseflow.bench.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.model.llama.LlamaCheckpoint;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.train.PreferenceBatch;
import dev.fuseflow.trainer.train.WrpoStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Steps/s and tokens/s of one WRPO update on CPU (policy forward and backward on y_ws, y_wt and
 * y_l, reference forward, clipping, AdamW) for the tiny config and a ~30M-parameter Llama shape,
 * with the process's peak RSS. Run: {@code mvn -B -q -Pbench-trainer -pl benchmarks/trainer -am verify -DskipTests}.
 */
public final class WrpoStepBenchmark {

    private record Case(String name, LlamaConfig config, int batch, int length, int steps) {}

    private WrpoStepBenchmark() {}

    public static void main(String[] args) throws IOException {
        Case[] cases = {
            new Case("tiny (0.1M)", LlamaConfig.of(64, 64, 172, 2, 4, 2, 512), 8, 64, 50),
            new Case("llama ~30M", LlamaConfig.of(8192, 512, 1376, 8, 8, 4, 512), 2, 256, 4),
        };
        System.out.printf(
                Locale.ROOT,
                "%-14s %10s %6s %6s %10s %12s %14s%n",
                "model",
                "params",
                "batch",
                "T",
                "steps/s",
                "tokens/s",
                "peak RSS MiB");
        for (Case c : cases) {
            run(c);
        }
    }

    private static void run(Case c) throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        Path dir = Files.createTempDirectory("wrpo-bench");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm start = new LlamaForCausalLm(c.config());
            start.initialize(manager, DataType.FLOAT32, new Shape(1, c.length()), new Shape(1, c.length()));
            ModelDirectory.saveNew(start, dir);
            LlamaForCausalLm policy = LlamaCheckpoint.load(dir, manager, DataType.FLOAT32);
            LlamaForCausalLm reference = LlamaCheckpoint.load(dir, manager, DataType.FLOAT32);
            long parameters = policy.getParameters().values().stream()
                    .mapToLong(p -> p.getArray().size())
                    .sum();
            WrpoStep step =
                    new WrpoStep(policy, reference, manager, new CosineWarmupSchedule(1e-4, 1e-5, 1, 1_000), 1.0);
            PreferenceBatch batch = batch(c, new Random(2));
            step.apply(batch, 0.1, 0.01);
            step.apply(batch, 0.1, 0.01);
            long begin = System.nanoTime();
            for (int i = 0; i < c.steps(); i++) {
                step.apply(batch, 0.1, 0.01);
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            // Each update runs 3 sequences per sample through the policy and 3 through the reference.
            double tokens = 6.0 * c.batch() * c.length() * c.steps();
            System.out.printf(
                    Locale.ROOT,
                    "%-14s %10s %6d %6d %10.2f %12.0f %14d%n",
                    c.name(),
                    String.format(Locale.ROOT, "%.1fM", parameters / 1e6),
                    c.batch(),
                    c.length(),
                    c.steps() / seconds,
                    tokens / seconds,
                    peakRssMib());
        }
    }

    private static PreferenceBatch batch(Case c, Random random) {
        long[][][] tokens = new long[3][c.batch()][c.length()];
        long[][] attention = new long[c.batch()][c.length()];
        long[][] response = new long[c.batch()][c.length()];
        for (int b = 0; b < c.batch(); b++) {
            Arrays.fill(attention[b], 1);
            for (int t = 0; t < c.length(); t++) {
                for (int k = 0; k < 3; k++) {
                    tokens[k][b][t] = random.nextInt(c.config().vocabSize());
                }
                response[b][t] = t >= c.length() / 2 ? 1 : 0;
            }
        }
        double[] weights = new double[c.batch()];
        Arrays.fill(weights, 1.0);
        return new PreferenceBatch(
                new PreferenceBatch.Sequences(tokens[0], attention, response),
                new PreferenceBatch.Sequences(tokens[1], attention, response),
                new PreferenceBatch.Sequences(tokens[2], attention, response),
                weights);
    }

    private static long peakRssMib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(l -> l.startsWith("VmHWM:"))
                        .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                        .findFirst()
                        .orElseThrow()
                / 1024;
    }
}
