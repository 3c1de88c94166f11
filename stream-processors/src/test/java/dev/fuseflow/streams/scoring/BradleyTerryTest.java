package dev.fuseflow.streams.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BradleyTerryTest {

    @Test
    void balancedRecordsGiveEqualStrengthAtTheReference() {
        Map<String, Double> p = BradleyTerry.strengths(
                new TreeSet<>(List.of("a", "b")),
                List.of(new Comparison("a", "b"), new Comparison("b", "a")),
                1.0,
                200);
        assertThat(p.get("a")).isCloseTo(1.0, within(1e-9));
        assertThat(p.get("b")).isCloseTo(1.0, within(1e-9));
        assertThat(BradleyTerry.reward(p.get("a"))).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void anUnbeatenItemStaysFiniteThanksToThePrior() {
        List<Comparison> sweep = List.of(new Comparison("a", "b"), new Comparison("a", "b"), new Comparison("a", "b"));
        Map<String, Double> p = BradleyTerry.strengths(new TreeSet<>(List.of("a", "b")), sweep, 1.0, 500);
        assertThat(p.get("a")).isFinite().isGreaterThan(1.0);
        assertThat(p.get("b")).isGreaterThan(0.0).isLessThan(1.0);
        // Symmetric evidence gives reciprocal strengths around the reference.
        assertThat(p.get("a") * p.get("b")).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void theFixedPointSatisfiesTheLikelihoodEquations() {
        List<Comparison> games = List.of(
                new Comparison("a", "b"), new Comparison("b", "c"), new Comparison("a", "c"), new Comparison("c", "a"));
        Map<String, Double> p = BradleyTerry.strengths(new TreeSet<>(List.of("a", "b", "c")), games, 1.0, 2000);
        // At the maximum, each item's observed wins (+ prior) equal its expected wins (+ prior's share).
        for (String item : p.keySet()) {
            double wins = 1.0;
            double expected = p.get(item) / (p.get(item) + 1.0) * 2.0;
            for (Comparison g : games) {
                if (g.winner().equals(item)) {
                    wins++;
                }
                if (g.winner().equals(item) || g.loser().equals(item)) {
                    String other = g.winner().equals(item) ? g.loser() : g.winner();
                    expected += p.get(item) / (p.get(item) + p.get(other));
                }
            }
            assertThat(expected).as(item).isCloseTo(wins, within(1e-6));
        }
    }
}
