package dev.fuseflow.streams.scoring;

import java.util.Locale;

/**
 * How feedback signals become one reward per response (README, "Scoring"):
 *
 * <ul>
 *   <li>reward-model score: as is;</li>
 *   <li>rating {@code v} on scale {@code [min, max]}: {@code 2 (v - min) / (max - min) - 1}, in [-1, 1];</li>
 *   <li>thumbs: {@code thumbsUp} / {@code thumbsDown} (default +1 / -1, the ends of the rating range);</li>
 *   <li>pairwise choices among a prompt's responses: Bradley-Terry strengths {@code p} fitted with a
 *       virtual reference response of strength 1 ({@code prior} virtual wins and losses each), mapped to
 *       {@code (p - 1) / (p + 1)}, the reference-beating probability rescaled to (-1, 1);</li>
 *   <li>each kind averaged over its signals, then the kinds a response has combined as the weighted
 *       mean with the per-kind weights.</li>
 * </ul>
 */
public record ScoringPolicy(double rewardModelWeight, double ratingWeight, double thumbsWeight, double pairwiseWeight,
                            double thumbsUp, double thumbsDown, double bradleyTerryPrior, int bradleyTerryIterations) {

    public static final ScoringPolicy DEFAULT = new ScoringPolicy(1.0, 1.0, 1.0, 1.0, 1.0, -1.0, 1.0, 100);

    public ScoringPolicy {
        requireWeight("reward-model", rewardModelWeight);
        requireWeight("rating", ratingWeight);
        requireWeight("thumbs", thumbsWeight);
        requireWeight("pairwise", pairwiseWeight);
        if (!Double.isFinite(thumbsUp) || !Double.isFinite(thumbsDown) || thumbsUp <= thumbsDown) {
            throw new IllegalArgumentException("thumbs-up value must be finite and above thumbs-down, got up " + thumbsUp
                    + " and down " + thumbsDown);
        }
        if (!(bradleyTerryPrior > 0) || !Double.isFinite(bradleyTerryPrior)) {
            throw new IllegalArgumentException("Bradley-Terry prior must be a positive number of virtual games, got "
                    + bradleyTerryPrior);
        }
        if (bradleyTerryIterations < 1) {
            throw new IllegalArgumentException("Bradley-Terry iterations must be at least 1, got " + bradleyTerryIterations);
        }
    }

    public double weight(SignalKind kind) {
        return switch (kind) {
            case REWARD_MODEL -> rewardModelWeight;
            case RATING -> ratingWeight;
            case THUMBS -> thumbsWeight;
            case PAIRWISE -> pairwiseWeight;
        };
    }

    /** Name and parameters, recorded in every sample's evidence. */
    public String describe() {
        return String.format(Locale.ROOT, "weighted-mean@1(rm=%s,rating=%s,thumbs=%s,pairwise=%s,bt-prior=%s)",
                rewardModelWeight, ratingWeight, thumbsWeight, pairwiseWeight, bradleyTerryPrior);
    }

    private static void requireWeight(String kind, double weight) {
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException(kind + " weight must be a finite number >= 0, got " + weight);
        }
    }
}
