package dev.fuseflow.trainer.batch;

import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns WRPO examples into a {@link PreferenceBatch}: chat template and tokenizer, the
 * {@link SequenceBudget}'s truncation, then right padding of each response kind to its longest
 * row. Engine-free, so it can run on a background thread while the model trains.
 */
public final class PreferenceBatcher {

    private final PromptResponseEncoder encoder;
    private final SequenceBudget budget;
    private final long padId;
    private final AtomicLong truncatedSamples = new AtomicLong();

    /** The encoder the batches are made with (and generation must use). */
    public PromptResponseEncoder encoder() {
        return encoder;
    }

    public PreferenceBatcher(PromptResponseEncoder encoder, SequenceBudget budget, long padId) {
        this.encoder = encoder;
        this.budget = budget;
        this.padId = padId;
    }

    /** Samples of which the prompt or a response was cut so far. */
    public long truncatedSamples() {
        return truncatedSamples.get();
    }

    public PreferenceBatch batch(List<WrpoExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a preference batch needs at least one example");
        }
        int size = examples.size();
        long[][][] rows = new long[3][size][];
        int[] promptLengths = new int[size];
        double[] weights = new double[size];
        for (int i = 0; i < size; i++) {
            WrpoExample example = examples.get(i);
            long[] prompt = encoder.promptIds(example.prompt());
            long[][] responses = {
                encoder.responseIds(example.prompt(), example.sourceChosen()),
                encoder.responseIds(example.prompt(), example.targetChosen()),
                encoder.responseIds(example.prompt(), example.rejected())
            };
            int longest = Math.max(responses[0].length, Math.max(responses[1].length, responses[2].length));
            long[] kept = budget.prompt(prompt, longest);
            boolean truncated = kept.length < prompt.length;
            for (int kind = 0; kind < 3; kind++) {
                long[] response = budget.response(responses[kind], kept.length);
                truncated |= response.length < responses[kind].length;
                rows[kind][i] = concat(kept, response);
            }
            if (truncated) {
                truncatedSamples.incrementAndGet();
            }
            promptLengths[i] = kept.length;
            weights[i] = example.weight();
        }
        return new PreferenceBatch(
                pad(rows[0], promptLengths), pad(rows[1], promptLengths), pad(rows[2], promptLengths), weights);
    }

    /** Right-pads to the longest row: attention 1 on real tokens, response 1 on the tokens after the prompt. */
    PreferenceBatch.Sequences pad(long[][] rows, int[] promptLengths) {
        int width = 0;
        for (long[] row : rows) {
            width = Math.max(width, row.length);
        }
        long[][] tokens = new long[rows.length][width];
        long[][] attention = new long[rows.length][width];
        long[][] response = new long[rows.length][width];
        for (int i = 0; i < rows.length; i++) {
            for (int t = 0; t < width; t++) {
                boolean real = t < rows[i].length;
                tokens[i][t] = real ? rows[i][t] : padId;
                attention[i][t] = real ? 1 : 0;
                response[i][t] = real && t >= promptLengths[i] ? 1 : 0;
            }
        }
        return new PreferenceBatch.Sequences(tokens, attention, response);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] joined = new long[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
