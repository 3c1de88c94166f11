package dev.fuseflow.streams.scoring;

import static dev.fuseflow.streams.Events.pairwise;
import static dev.fuseflow.streams.Events.rating;
import static dev.fuseflow.streams.Events.reward;
import static dev.fuseflow.streams.Events.thumbs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResponseScorerTest {

    private final ResponseScorer scorer = new ResponseScorer(ScoringPolicy.DEFAULT);

    @Test
    void rewardModelScoresAreTakenAsIsAndAveraged() {
        Map<String, ResponseScore> scores =
                scorer.score(Set.of("g"), List.of(reward("p", "f1", "g", 2.5), reward("p", "f2", "g", 0.5)));
        assertThat(scores.get("g").reward()).isEqualTo(1.5);
        assertThat(scores.get("g").feedbackIds()).containsExactly("f1", "f2");
    }

    @Test
    void ratingsAreNormalisedByTheirScale() {
        assertThat(scorer.score(Set.of("g"), List.of(rating("p", "f", "g", 5, 1, 5)))
                        .get("g")
                        .reward())
                .isEqualTo(1.0);
        assertThat(scorer.score(Set.of("g"), List.of(rating("p", "f", "g", 3, 1, 5)))
                        .get("g")
                        .reward())
                .isEqualTo(0.0);
        assertThat(scorer.score(Set.of("g"), List.of(rating("p", "f", "g", 0, 0, 10)))
                        .get("g")
                        .reward())
                .isEqualTo(-1.0);
    }

    @Test
    void thumbsMapToTheEndsOfTheRange() {
        Map<String, ResponseScore> scores =
                scorer.score(Set.of("a", "b"), List.of(thumbs("p", "f1", "a", true), thumbs("p", "f2", "b", false)));
        assertThat(scores.get("a").reward()).isEqualTo(1.0);
        assertThat(scores.get("b").reward()).isEqualTo(-1.0);
    }

    @Test
    void kindsCombineAsTheirWeightedMean() {
        ResponseScorer weighted = new ResponseScorer(new ScoringPolicy(3.0, 1.0, 1.0, 1.0, 1.0, -1.0, 1.0, 100));
        double combined = weighted.score(
                        Set.of("g"), List.of(reward("p", "f1", "g", 0.2), thumbs("p", "f2", "g", false)))
                .get("g")
                .reward();
        assertThat(combined).isCloseTo((3 * 0.2 + 1 * -1.0) / 4, within(1e-12));
    }

    @Test
    void pairwiseChoicesRankResponsesBradleyTerryStyle() {
        Map<String, ResponseScore> scores = scorer.score(
                Set.of("a", "b", "c"),
                List.of(pairwise("p", "f1", "a", "b"), pairwise("p", "f2", "a", "b"), pairwise("p", "f3", "b", "c")));
        assertThat(scores.get("a").reward()).isGreaterThan(scores.get("b").reward());
        assertThat(scores.get("b").reward()).isGreaterThan(scores.get("c").reward());
        assertThat(scores.values()).allSatisfy(s -> assertThat(s.reward()).isBetween(-1.0, 1.0));
        assertThat(scores.get("b").feedbackIds()).containsExactly("f1", "f2", "f3");
    }

    @Test
    void feedbackOnResponsesNotYetArrivedIsIgnored() {
        Map<String, ResponseScore> scores = scorer.score(
                Set.of("a"),
                List.of(reward("p", "f1", "zzz", 1.0), pairwise("p", "f2", "a", "zzz"), reward("p", "f3", "a", 0.3)));
        assertThat(scores).containsOnlyKeys("a");
        assertThat(scores.get("a").signalCount()).isEqualTo(1);
    }

    @Test
    void aZeroWeightKindDoesNotCount() {
        ResponseScorer noThumbs = new ResponseScorer(new ScoringPolicy(1.0, 1.0, 0.0, 1.0, 1.0, -1.0, 1.0, 100));
        assertThat(noThumbs.score(Set.of("g"), List.of(reward("p", "f1", "g", 0.4), thumbs("p", "f2", "g", false)))
                        .get("g")
                        .reward())
                .isEqualTo(0.4);
    }

    @Test
    void policyValidationNamesTheProblem() {
        assertThatThrownBy(() -> new ScoringPolicy(-1, 1, 1, 1, 1, -1, 1, 10))
                .hasMessage("reward-model weight must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> new ScoringPolicy(1, 1, 1, 1, -1, 1, 1, 10))
                .hasMessageContaining("thumbs-up value must be finite and above thumbs-down");
        assertThatThrownBy(() -> new ScoringPolicy(1, 1, 1, 1, 1, -1, 0, 10))
                .hasMessageContaining("Bradley-Terry prior");
    }
}
