package dev.fuseflow.trainer.batch;

import java.util.Arrays;

/**
 * How long a (prompt, response) sequence may be, and what gives way when it is longer: TRL's DPO
 * rule. When the prompt plus the longest of a sample's responses exceeds {@code maxLength}, the
 * prompt keeps its last {@code maxPromptLength} tokens (the end of a chat, nearest the answer, says
 * most about it); responses that still do not fit lose their tails. The prompt is cut the same way
 * for the three responses of a sample, so their shared tokens stay shared.
 */
public record SequenceBudget(int maxLength, int maxPromptLength) {

    public SequenceBudget {
        if (maxPromptLength < 1 || maxLength <= maxPromptLength) {
            throw new IllegalArgumentException(
                    "sequence budget needs 1 <= max prompt length < max length, got max prompt length "
                            + maxPromptLength + " and max length " + maxLength);
        }
    }

    /** The paper's lengths: 2048 in all, 1800 for the prompt. */
    public static final SequenceBudget PAPER = new SequenceBudget(2048, 1800);

    /**
     * The budget asked for, fitted to a model of {@code context} positions: a shorter model keeps
     * the same prompt share (the paper's 1800 of 2048 becomes 450 of 512).
     */
    public static SequenceBudget cappedTo(int maxLength, int maxPromptLength, int context) {
        if (maxLength <= context) {
            return new SequenceBudget(maxLength, maxPromptLength);
        }
        return new SequenceBudget(context, Math.max(1, (int) ((long) context * maxPromptLength / maxLength)));
    }

    /** The prompt as it will be used with responses of which the longest has {@code longestResponse} tokens. */
    public long[] prompt(long[] prompt, int longestResponse) {
        if (prompt.length + longestResponse <= maxLength || prompt.length <= maxPromptLength) {
            return prompt;
        }
        return Arrays.copyOfRange(prompt, prompt.length - maxPromptLength, prompt.length);
    }

    /** The response as it fits after a prompt of {@code promptLength} tokens (from {@link #prompt}). */
    public long[] response(long[] response, int promptLength) {
        int room = maxLength - promptLength;
        return response.length <= room ? response : Arrays.copyOf(response, room);
    }
}
