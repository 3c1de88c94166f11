package dev.fuseflow.streams.scoring;

import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.Rating;
import dev.fuseflow.schemas.avro.RewardScore;
import dev.fuseflow.schemas.avro.Thumbs;

/** The four kinds of feedback signal a FeedbackEvent can carry. */
public enum SignalKind {
    REWARD_MODEL,
    RATING,
    THUMBS,
    PAIRWISE;

    /** The kind of a FeedbackEvent's {@code signal} union member. */
    public static SignalKind of(Object signal) {
        if (signal instanceof RewardScore) {
            return REWARD_MODEL;
        }
        if (signal instanceof Rating) {
            return RATING;
        }
        if (signal instanceof Thumbs) {
            return THUMBS;
        }
        if (signal instanceof PairwiseChoice) {
            return PAIRWISE;
        }
        throw new IllegalArgumentException("not a feedback signal: "
                + (signal == null ? "null" : signal.getClass().getName()));
    }
}
