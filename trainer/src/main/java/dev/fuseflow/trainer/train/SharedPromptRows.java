package dev.fuseflow.trainer.train;

import java.util.Arrays;

/**
 * A preference batch laid out with each sample's prompt once: row i is x, y_ws, y_wt, y_l one
 * after another (then padding), instead of three rows x y_ws, x y_wt, x y_l. Each response keeps
 * the positions it has after the prompt, and the segments let {@code AttentionMasks.packedBias}
 * keep the responses from seeing each other, so the log-probs are those of the separate rows while
 * the prompt's tokens run once instead of three times. Engine-free arrays, built from the separate
 * layout of {@link PreferenceBatch}.
 *
 * @param tokens     token ids (B, L)
 * @param positions  each token's position in its own sequence x y (B, L)
 * @param segments   0 prompt, 1 y_ws, 2 y_wt, 3 y_l, -1 padding (B, L)
 * @param predictors for a response token, the column whose logits predict it: the token before it,
 *                   or the prompt's last token for a response's first; 0 elsewhere (B, L). A token is
 *                   scored when something precedes it in its own sequence (position > 0), as in the
 *                   separate rows
 * @param longestPosition the largest position of any token
 */
public record SharedPromptRows(
        long[][] tokens, long[][] positions, long[][] segments, long[][] predictors, long longestPosition) {

    /** Segment of each response kind: y_ws, y_wt, y_l in the order of {@link PreferenceBatch}. */
    public static final int[] RESPONSE_SEGMENTS = {1, 2, 3};

    static final int PROMPT = 0;
    static final int PADDING = -1;

    /** The packed rows of {@code batch}, whose three rows of a sample hold the same prompt. */
    public static SharedPromptRows of(PreferenceBatch batch) {
        int size = batch.size();
        PreferenceBatch.Sequences[] kinds = {batch.sourceChosen(), batch.targetChosen(), batch.rejected()};
        // Where each kind's response starts in its own row, and how long it is: counted once.
        int[][] starts = new int[size][kinds.length];
        int[][] responses = new int[size][kinds.length];
        int width = 0;
        for (int i = 0; i < size; i++) {
            int length = 0;
            for (int k = 0; k < kinds.length; k++) {
                starts[i][k] = promptLength(kinds[k], i);
                responses[i][k] = responseLength(kinds[k], i);
                length += responses[i][k];
            }
            width = Math.max(width, starts[i][0] + length);
        }
        long[][] tokens = new long[size][width];
        long[][] positions = new long[size][width];
        long[][] segments = new long[size][width];
        long[][] predictors = new long[size][width];
        long longest = 0;
        for (int i = 0; i < size; i++) {
            Arrays.fill(segments[i], PADDING);
            int prompt = starts[i][0];
            for (int t = 0; t < prompt; t++) {
                tokens[i][t] = kinds[0].tokens()[i][t];
                positions[i][t] = t;
                segments[i][t] = PROMPT;
            }
            int column = prompt;
            for (int k = 0; k < kinds.length; k++) {
                long[] row = kinds[k].tokens()[i];
                for (int j = 0; j < responses[i][k]; j++, column++) {
                    tokens[i][column] = row[starts[i][k] + j];
                    positions[i][column] = prompt + j;
                    segments[i][column] = RESPONSE_SEGMENTS[k];
                    predictors[i][column] = j > 0 ? column - 1 : Math.max(prompt - 1, 0);
                    longest = Math.max(longest, prompt + j);
                }
            }
            longest = Math.max(longest, prompt - 1L);
        }
        return new SharedPromptRows(tokens, positions, segments, predictors, longest);
    }

    /** Tokens per row, padding included. */
    public int width() {
        return tokens.length == 0 ? 0 : tokens[0].length;
    }

    /**
     * What the model scores: every response token preceded by something in its own sequence, with
     * the position that predicts it, and where each one's log-prob goes.
     *
     * @param rows    flat index {@code i * L + predictor} of the position predicting each scored token (N)
     * @param targets each scored token (N)
     * @param slots   in row {@code k * B + i}, for response kind k of sample i, the index n of each
     *                of its scored tokens, padded with N (3 B, R); R the most any response has
     */
    public record ScoredSlots(long[] rows, long[] targets, long[][] slots) {}

    /** The scored tokens of these rows, in order of sample, then column. */
    public ScoredSlots scoredSlots() {
        int size = tokens.length;
        int kinds = RESPONSE_SEGMENTS.length;
        int[][] counts = new int[kinds][size];
        int scored = 0;
        int longest = 0;
        for (int i = 0; i < size; i++) {
            for (int c = 0; c < width(); c++) {
                if (isScored(i, c)) {
                    int k = (int) segments[i][c] - RESPONSE_SEGMENTS[0];
                    longest = Math.max(longest, ++counts[k][i]);
                    scored++;
                }
            }
        }
        long[] rows = new long[scored];
        long[] targets = new long[scored];
        long[][] slots = new long[kinds * size][longest];
        for (long[] slot : slots) {
            Arrays.fill(slot, scored);
        }
        int n = 0;
        int[][] filled = new int[kinds][size];
        for (int i = 0; i < size; i++) {
            for (int c = 0; c < width(); c++) {
                if (isScored(i, c)) {
                    int k = (int) segments[i][c] - RESPONSE_SEGMENTS[0];
                    rows[n] = (long) i * width() + predictors[i][c];
                    targets[n] = tokens[i][c];
                    slots[k * size + i][filled[k][i]++] = n++;
                }
            }
        }
        return new ScoredSlots(rows, targets, slots);
    }

    /** A response token with something before it in its own sequence (position > 0). */
    private boolean isScored(int row, int column) {
        return segments[row][column] >= RESPONSE_SEGMENTS[0] && positions[row][column] > 0;
    }

    private static int promptLength(PreferenceBatch.Sequences kind, int row) {
        int length = 0;
        for (int t = 0; t < kind.attention()[row].length; t++) {
            if (kind.attention()[row][t] == 1 && kind.response()[row][t] == 0) {
                length++;
            }
        }
        return length;
    }

    private static int responseLength(PreferenceBatch.Sequences kind, int row) {
        int length = 0;
        for (long r : kind.response()[row]) {
            length += (int) r;
        }
        return length;
    }
}
