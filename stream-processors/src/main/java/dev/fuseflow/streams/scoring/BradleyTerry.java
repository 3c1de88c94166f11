package dev.fuseflow.streams.scoring;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Bradley-Terry strengths from pairwise choices, fitted with Hunter's MM algorithm (2004) against a
 * virtual reference item of fixed strength 1. The reference gives every item {@code prior} virtual
 * wins and losses, which keeps strengths finite for items that always win or always lose and pins
 * the scale. Written here because no available library fits this small, regularised case.
 */
public final class BradleyTerry {

    private BradleyTerry() {}

    /**
     * Strength {@code p_i > 0} of each item; the reference has strength 1. Items are iterated in
     * sorted order and comparisons in the given order, so the result depends only on the sets.
     */
    public static Map<String, Double> strengths(
            SortedSet<String> items, List<Comparison> comparisons, double prior, int iterations) {
        Map<String, Double> p = new TreeMap<>();
        items.forEach(i -> p.put(i, 1.0));
        for (int iteration = 0; iteration < iterations; iteration++) {
            Map<String, Double> next = new TreeMap<>();
            for (String item : items) {
                next.put(item, update(item, p, comparisons, prior));
            }
            p.putAll(next);
        }
        return p;
    }

    /** {@code (p - 1) / (p + 1)}: probability of beating the reference, rescaled to (-1, 1). */
    public static double reward(double strength) {
        return (strength - 1.0) / (strength + 1.0);
    }

    private static double update(String item, Map<String, Double> p, Collection<Comparison> comparisons, double prior) {
        double pi = p.get(item);
        double wins = prior;
        double denominator = 2 * prior / (pi + 1.0);
        for (Comparison c : comparisons) {
            if (c.winner().equals(item)) {
                wins += 1;
                denominator += 1 / (pi + p.get(c.loser()));
            } else if (c.loser().equals(item)) {
                denominator += 1 / (pi + p.get(c.winner()));
            }
        }
        return wins / denominator;
    }
}
