package dev.fuseflow.streams.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fuseflow.streams.scoring.Comparison;
import dev.fuseflow.streams.scoring.ResponseScore;
import dev.fuseflow.streams.scoring.SignalKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WeightAndAgreementTest {

    @Test
    void weightGrowsWithSignalsAgreementAndGapAndStaysInItsBounds() {
        WeightPolicy policy = WeightPolicy.DEFAULT;
        assertThat(policy.weight(2, 1.0, 1.0)).isCloseTo(0.5, within(1e-12));
        assertThat(policy.weight(8, 1.0, 1.0)).isCloseTo(0.8, within(1e-12));
        assertThat(policy.weight(8, 0.5, 1.0)).isCloseTo(0.4, within(1e-12));
        assertThat(policy.weight(8, 1.0, 0.5)).isCloseTo(0.4, within(1e-12));
        assertThat(policy.weight(1_000_000, 1.0, 50.0)).isLessThanOrEqualTo(1.0);
        assertThat(policy.weight(1, 0.0, 0.0)).isEqualTo(0.05);
    }

    @Test
    void weightPolicyValidation() {
        assertThatThrownBy(() -> new WeightPolicy(2, 1, 0)).hasMessage("minimum weight must lie in (0, 1], got 0.0");
        assertThatThrownBy(() -> new WeightPolicy(0, 1, 0.1)).hasMessageContaining("half-confidence");
    }

    @Test
    void agreementCountsPairwiseVotesAndSameKindSignalPairs() {
        ResponseScore chosen = score("c", Map.of(SignalKind.THUMBS, List.of(1.0, 1.0)));
        ResponseScore rejected = score("r", Map.of(SignalKind.THUMBS, List.of(-1.0, 1.0)));
        // thumbs pairs: (1,-1) agree, (1,1) half, (1,-1) agree, (1,1) half = 3 of 4; pairwise: c>r agree, r>c not.
        double agreement = Agreement.between(
                chosen,
                rejected,
                List.of(new Comparison("c", "r"), new Comparison("r", "c"), new Comparison("c", "x")));
        assertThat(agreement).isCloseTo((3.0 + 1.0) / 6.0, within(1e-12));
    }

    @Test
    void withoutComparableVotesAgreementIsOne() {
        ResponseScore chosen = score("c", Map.of(SignalKind.RATING, List.of(1.0)));
        ResponseScore rejected = score("r", Map.of(SignalKind.REWARD_MODEL, List.of(-3.0)));
        assertThat(Agreement.between(chosen, rejected, List.of())).isEqualTo(1.0);
    }

    private static ResponseScore score(String id, Map<SignalKind, List<Double>> signals) {
        return new ResponseScore(id, 0, signals, List.of(), Set.of());
    }
}
