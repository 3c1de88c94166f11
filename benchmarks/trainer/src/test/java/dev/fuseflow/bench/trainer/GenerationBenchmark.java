package dev.fuseflow.bench.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import dev.fuseflow.trainer.sampling.BatchGenerator;
import dev.fuseflow.trainer.sampling.SamplingConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Greedy generation on CPU with the KV cache ({@link BatchGenerator}) against the baseline that
 * re-runs the full forward pass for every new token, side by side on the same ~30M Llama and the
 * same prompts; prints new tokens/s of both and their ratio, and checks both produced the same
 * tokens. Run: {@code mvn -B -q -Pbench-trainer -pl benchmarks/trainer -am verify -DskipTests}.
 */
public final class GenerationBenchmark {

    private static final LlamaConfig MODEL = LlamaConfig.of(8192, 512, 1376, 8, 8, 4, 512);
    private static final int BATCH = 4;
    private static final int PROMPT = 64;
    private static final int NEW_TOKENS = 64;

    private GenerationBenchmark() {}

    public static void main(String[] args) {
        Engine.getEngine("PyTorch").setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = new LlamaForCausalLm(MODEL);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, PROMPT), new Shape(1, PROMPT));
            Random random = new Random(2);
            List<long[]> prompts = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                prompts.add(random.longs(PROMPT, 4, MODEL.vocabSize()).toArray());
            }
            BatchGenerator generator = new BatchGenerator(model, 0, -1);
            generator.generate(manager, prompts, SamplingConfig.greedy(4)); // warm-up
            long begin = System.nanoTime();
            List<long[]> cached = generator.generate(manager, prompts, SamplingConfig.greedy(NEW_TOKENS));
            double cachedSeconds = (System.nanoTime() - begin) / 1e9;
            begin = System.nanoTime();
            long[][] uncached = withoutCache(model, manager, prompts);
            double uncachedSeconds = (System.nanoTime() - begin) / 1e9;
            boolean same = true;
            for (int i = 0; i < BATCH; i++) {
                same &= Arrays.equals(cached.get(i), uncached[i]);
            }
            double tokens = (double) BATCH * NEW_TOKENS;
            System.out.printf(
                    Locale.ROOT,
                    "generation, llama ~30M, batch %d, prompt %d, %d new tokens, greedy%n",
                    BATCH,
                    PROMPT,
                    NEW_TOKENS);
            System.out.printf(
                    Locale.ROOT, "  KV cache:    %8.1f new tokens/s (%.2f s)%n", tokens / cachedSeconds, cachedSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "  no cache:    %8.1f new tokens/s (%.2f s)%n",
                    tokens / uncachedSeconds,
                    uncachedSeconds);
            System.out.printf(
                    Locale.ROOT, "  speed-up:    %8.2fx; same tokens: %s%n", uncachedSeconds / cachedSeconds, same);
        }
    }

    /** The baseline: every new token runs the whole sequence through the model again (prompts are all PROMPT long). */
    private static long[][] withoutCache(LlamaForCausalLm model, NDManager manager, List<long[]> prompts) {
        long[][] sequences = prompts.toArray(new long[0][]);
        for (int step = 0; step < NEW_TOKENS; step++) {
            int length = sequences[0].length;
            try (NDManager scope = manager.newSubManager()) {
                long[][] mask = new long[BATCH][length];
                for (long[] row : mask) {
                    Arrays.fill(row, 1);
                }
                float[] last = model.forward(
                                new ParameterStore(scope, false),
                                new NDList(scope.create(sequences), scope.create(mask)),
                                false)
                        .singletonOrThrow()
                        .get(":, -1, :")
                        .argMax(-1)
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
                for (int row = 0; row < BATCH; row++) {
                    sequences[row] = Arrays.copyOf(sequences[row], length + 1);
                    sequences[row][length] = (long) last[row];
                }
            }
        }
        long[][] generated = new long[BATCH][];
        for (int row = 0; row < BATCH; row++) {
            generated[row] = Arrays.copyOfRange(sequences[row], PROMPT, PROMPT + NEW_TOKENS);
        }
        return generated;
    }
}
