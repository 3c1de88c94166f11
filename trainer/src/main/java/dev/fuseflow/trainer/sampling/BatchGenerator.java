package dev.fuseflow.trainer.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.GradMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Batched generation from a {@link CausalLanguageModel}. Prompts are left-padded so that every
 * row's next token is predicted at the last position, and a row stops at EOS or after
 * {@code maxNewTokens}. The prompts go through the model once; after that each step feeds only
 * the newest token and reuses the keys and values of the earlier ones (KV cache), so n new tokens
 * cost p + n token-forwards rather than n * (p + n / 2).
 *
 * <p>Each row draws from its own generator seeded by (seed, row), so a row's tokens do not depend
 * on what else is in the batch.
 */
public final class BatchGenerator {

    private final CausalLanguageModel model;
    private final long padId;
    private final long eosId;

    public BatchGenerator(CausalLanguageModel model, long padId, long eosId) {
        this.model = model;
        this.padId = padId;
        this.eosId = eosId;
    }

    /** The generated tokens of each prompt, in prompt order, ending with EOS when the model produced it. */
    public List<long[]> generate(NDManager manager, List<long[]> prompts, SamplingConfig config) {
        int longest = validate(prompts, config);
        GradMode.offForThisThread();
        Rows rows = new Rows(prompts, longest, longest + config.maxNewTokens(), config.seed());
        NextTokenSampler sampler = new NextTokenSampler(config);
        try (NDManager cacheScope = manager.newSubManager()) {
            NDList cache = model.emptyKvCache(cacheScope, prompts.size());
            for (int length = longest; length < rows.width() && rows.unfinished > 0; length++) {
                int from = length == longest ? 0 : length - 1; // prompts once, then the newest token
                float[][] next = lastLogits(manager, cacheScope, cache, rows, from, length);
                rows.append(length, next, sampler);
            }
        }
        return rows.generated.stream()
                .map(ids -> ids.stream().mapToLong(Long::longValue).toArray())
                .toList();
    }

    /** The left-padded token and mask matrices, each row's random generator, and what it generated. */
    private final class Rows {
        final long[][] tokens;
        final long[][] mask;
        final Random[] randoms;
        final boolean[] finished;
        final List<List<Long>> generated = new ArrayList<>();
        int unfinished;

        Rows(List<long[]> prompts, int longest, int width, long seed) {
            int count = prompts.size();
            tokens = new long[count][width];
            mask = new long[count][width];
            randoms = new Random[count];
            finished = new boolean[count];
            unfinished = count;
            for (int row = 0; row < count; row++) {
                long[] prompt = prompts.get(row);
                int offset = longest - prompt.length; // left padding
                Arrays.fill(tokens[row], padId);
                System.arraycopy(prompt, 0, tokens[row], offset, prompt.length);
                Arrays.fill(mask[row], offset, longest, 1);
                randoms[row] = new Random(seed * 0x9E3779B97F4A7C15L + row);
                generated.add(new ArrayList<>());
            }
        }

        int width() {
            return tokens[0].length;
        }

        /** Draws each unfinished row's token at {@code length}; a finished row stays padding, masked out. */
        void append(int length, float[][] next, NextTokenSampler sampler) {
            for (int row = 0; row < tokens.length; row++) {
                if (finished[row]) {
                    continue;
                }
                long token = sampler.sample(next[row], randoms[row]);
                tokens[row][length] = token;
                mask[row][length] = 1;
                generated.get(row).add(token);
                if (token == eosId) {
                    finished[row] = true;
                    unfinished--;
                }
            }
        }
    }

    private int validate(List<long[]> prompts, SamplingConfig config) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("prompts must not be empty");
        }
        int longest = 0;
        for (int row = 0; row < prompts.size(); row++) {
            if (prompts.get(row).length == 0) {
                throw new IllegalArgumentException("prompts[" + row + "] has no tokens; start it with at least BOS");
            }
            longest = Math.max(longest, prompts.get(row).length);
        }
        int contextLength = model.contextLength();
        if (longest + config.maxNewTokens() > contextLength) {
            throw new IllegalArgumentException("longest prompt (" + longest + " tokens) + maxNewTokens ("
                    + config.maxNewTokens() + ") exceeds the model's context length " + contextLength
                    + "; lower maxNewTokens or shorten the prompt");
        }
        return longest;
    }

    /**
     * Runs tokens [from, length) of every row against the cache, replaces the cache's contents with
     * the extended keys and values, and returns the logits at position length - 1, (B, V). The old
     * cache entries move into the step's scope so that they and everything computed from them are
     * closed with it; only the new entries survive, in {@code cacheScope}.
     */
    private float[][] lastLogits(
            NDManager manager, NDManager cacheScope, NDList cache, Rows rows, int from, int length) {
        try (NDManager step = manager.newSubManager()) {
            cache.attach(step);
            NDList inputs = new NDList(
                    step.create(columns(rows.tokens, from, length)),
                    step.create(columns(rows.mask, 0, length))); // (B, length - from), (B, length)
            inputs.addAll(cache);
            NDList outputs = model.forward(new ParameterStore(step, false), inputs, false);
            NDList extended = outputs.subNDList(1);
            extended.attach(cacheScope);
            cache.clear();
            cache.addAll(extended);
            NDArray last = outputs.get(0).get(":, -1, :"); // (B, V)
            int vocabulary = (int) last.getShape().get(1);
            float[] flat = last.toType(DataType.FLOAT32, false).toFloatArray();
            float[][] logits = new float[rows.tokens.length][];
            for (int row = 0; row < logits.length; row++) {
                logits[row] = Arrays.copyOfRange(flat, row * vocabulary, (row + 1) * vocabulary);
            }
            return logits;
        }
    }

    private static long[][] columns(long[][] matrix, int from, int to) {
        long[][] columns = new long[matrix.length][];
        for (int row = 0; row < matrix.length; row++) {
            columns[row] = Arrays.copyOfRange(matrix[row], from, to);
        }
        return columns;
    }
}
