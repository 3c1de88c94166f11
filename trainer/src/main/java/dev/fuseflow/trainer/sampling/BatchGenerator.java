package dev.fuseflow.trainer.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Batched generation from any causal LM block that maps (token ids (B, T), attention mask (B, T))
 * to logits (B, T, V). Prompts are left-padded so that every row's next token is predicted at the
 * last position, and a row stops at EOS or after {@code maxNewTokens}.
 *
 * <p>No KV cache yet: each new token re-runs the forward pass over prompt plus generated tokens,
 * so producing n tokens after a prompt of p costs about n * (p + n / 2) token-forwards instead of
 * p + n with a cache. Fine for evaluation-sized outputs on the tiny models; the cache is what
 * issue 5 still owes.
 *
 * <p>Each row draws from its own generator seeded by (seed, row), so a row's tokens do not depend
 * on what else is in the batch.
 */
public final class BatchGenerator {

    private final Block model;
    private final int contextLength;
    private final long padId;
    private final long eosId;

    /**
     * @param contextLength the model's position limit ({@code n_positions}, {@code max_position_embeddings})
     */
    public BatchGenerator(Block model, int contextLength, long padId, long eosId) {
        this.model = model;
        this.contextLength = contextLength;
        this.padId = padId;
        this.eosId = eosId;
    }

    /** The generated tokens of each prompt, in prompt order, ending with EOS when the model produced it. */
    public List<long[]> generate(NDManager manager, List<long[]> prompts, SamplingConfig config) {
        int longest = validate(prompts, config);
        int rows = prompts.size();
        int width = longest + config.maxNewTokens();
        long[][] tokens = new long[rows][width];
        long[][] mask = new long[rows][width];
        for (int row = 0; row < rows; row++) {
            long[] prompt = prompts.get(row);
            int offset = longest - prompt.length;                                 // left padding
            Arrays.fill(tokens[row], padId);
            System.arraycopy(prompt, 0, tokens[row], offset, prompt.length);
            Arrays.fill(mask[row], offset, longest, 1);
        }
        NextTokenSampler sampler = new NextTokenSampler(config);
        Random[] randoms = new Random[rows];
        List<List<Long>> generated = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            randoms[row] = new Random(config.seed() * 0x9E3779B97F4A7C15L + row);
            generated.add(new ArrayList<>());
        }
        boolean[] finished = new boolean[rows];
        int unfinished = rows;
        for (int length = longest; length < width && unfinished > 0; length++) {
            float[][] next = lastLogits(manager, tokens, mask, length);
            for (int row = 0; row < rows; row++) {
                if (finished[row]) {
                    continue;                                                     // stays padding, masked out
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
        return generated.stream().map(ids -> ids.stream().mapToLong(Long::longValue).toArray()).toList();
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
        if (longest + config.maxNewTokens() > contextLength) {
            throw new IllegalArgumentException("longest prompt (" + longest + " tokens) + maxNewTokens ("
                    + config.maxNewTokens() + ") exceeds the model's context length " + contextLength
                    + "; lower maxNewTokens or shorten the prompt");
        }
        return longest;
    }

    /** Logits at the last filled position of every row, (B, V), computed in a scope closed before returning. */
    private float[][] lastLogits(NDManager manager, long[][] tokens, long[][] mask, int length) {
        try (NDManager step = manager.newSubManager()) {
            NDArray ids = step.create(prefix(tokens, length));
            NDArray attention = step.create(prefix(mask, length));
            NDArray logits = model.forward(new ParameterStore(step, false), new NDList(ids, attention), false)
                    .singletonOrThrow();                                            // (B, length, V)
            NDArray last = logits.get(":, -1, :");                                 // (B, V)
            int vocabulary = (int) last.getShape().get(1);
            float[] flat = last.toType(DataType.FLOAT32, false).toFloatArray();
            float[][] rows = new float[tokens.length][];
            for (int row = 0; row < rows.length; row++) {
                rows[row] = Arrays.copyOfRange(flat, row * vocabulary, (row + 1) * vocabulary);
            }
            return rows;
        }
    }

    private static long[][] prefix(long[][] matrix, int length) {
        long[][] prefix = new long[matrix.length][];
        for (int row = 0; row < matrix.length; row++) {
            prefix[row] = Arrays.copyOf(matrix[row], length);
        }
        return prefix;
    }
}
