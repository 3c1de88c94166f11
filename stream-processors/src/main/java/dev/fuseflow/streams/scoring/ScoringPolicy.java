package dev.fuseflow.streams.scoring;

import static dev.fuseflow.streams.config.StreamProcessorSettings.BRADLEY_TERRY_ITERATIONS;
import static dev.fuseflow.streams.config.StreamProcessorSettings.BRADLEY_TERRY_PRIOR;
import static dev.fuseflow.streams.config.StreamProcessorSettings.THUMBS_DOWN;
import static dev.fuseflow.streams.config.StreamProcessorSettings.THUMBS_UP;
import static dev.fuseflow.streams.config.StreamProcessorSettings.WEIGHT_PAIRWISE;
import static dev.fuseflow.streams.config.StreamProcessorSettings.WEIGHT_RATING;
import static dev.fuseflow.streams.config.StreamProcessorSettings.WEIGHT_REWARD_MODEL;
import static dev.fuseflow.streams.config.StreamProcessorSettings.WEIGHT_THUMBS;

import java.util.Locale;

/**
 * How feedback signals become one reward per response (docs/architecture.md, "Scoring"):
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
 *
 * <p>The defaults and the rules of each value are the settings' ({@code StreamProcessorSettings});
 * this record enforces them, and the one rule between two of them.
 */
public record ScoringPolicy(
        double rewardModelWeight,
        double ratingWeight,
        double thumbsWeight,
        double pairwiseWeight,
        double thumbsUp,
        double thumbsDown,
        double bradleyTerryPrior,
        int bradleyTerryIterations) {

    public static final ScoringPolicy DEFAULT = new ScoringPolicy(
            WEIGHT_REWARD_MODEL.defaultValue(),
            WEIGHT_RATING.defaultValue(),
            WEIGHT_THUMBS.defaultValue(),
            WEIGHT_PAIRWISE.defaultValue(),
            THUMBS_UP.defaultValue(),
            THUMBS_DOWN.defaultValue(),
            BRADLEY_TERRY_PRIOR.defaultValue(),
            BRADLEY_TERRY_ITERATIONS.defaultValue());

    public ScoringPolicy {
        WEIGHT_REWARD_MODEL.require("reward-model weight", rewardModelWeight);
        WEIGHT_RATING.require("rating weight", ratingWeight);
        WEIGHT_THUMBS.require("thumbs weight", thumbsWeight);
        WEIGHT_PAIRWISE.require("pairwise weight", pairwiseWeight);
        if (!Double.isFinite(thumbsUp) || !Double.isFinite(thumbsDown) || thumbsUp <= thumbsDown) {
            throw new IllegalArgumentException("thumbs-up value must be finite and above thumbs-down, got up "
                    + thumbsUp + " and down " + thumbsDown);
        }
        BRADLEY_TERRY_PRIOR.require("Bradley-Terry prior", bradleyTerryPrior);
        BRADLEY_TERRY_ITERATIONS.require("Bradley-Terry iterations", bradleyTerryIterations);
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
        return String.format(
                Locale.ROOT,
                "weighted-mean@1(rm=%s,rating=%s,thumbs=%s,pairwise=%s,bt-prior=%s)",
                rewardModelWeight,
                ratingWeight,
                thumbsWeight,
                pairwiseWeight,
                bradleyTerryPrior);
    }
}
