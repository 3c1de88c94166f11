package dev.fuseflow.streams.pairing;

import dev.fuseflow.streams.scoring.Comparison;
import dev.fuseflow.streams.scoring.ResponseScore;
import dev.fuseflow.streams.scoring.SignalKind;
import java.util.List;

/**
 * The share of individual votes that order y_wt over y_l: every pairwise choice between the two,
 * and every pair of same-kind signals (one on each) compared by value, a tie counting half. With
 * no such vote the ordering rests on rewards alone and agreement is 1.
 */
public final class Agreement {

    private Agreement() {}

    public static double between(ResponseScore chosen, ResponseScore rejected, List<Comparison> comparisons) {
        double agreeing = 0;
        int votes = 0;
        for (Comparison c : comparisons) {
            if (c.winner().equals(chosen.generationId()) && c.loser().equals(rejected.generationId())) {
                agreeing += 1;
                votes++;
            } else if (c.winner().equals(rejected.generationId()) && c.loser().equals(chosen.generationId())) {
                votes++;
            }
        }
        for (SignalKind kind : List.of(SignalKind.REWARD_MODEL, SignalKind.RATING, SignalKind.THUMBS)) {
            List<Double> mine = chosen.signals().getOrDefault(kind, List.of());
            List<Double> theirs = rejected.signals().getOrDefault(kind, List.of());
            for (double c : mine) {
                for (double r : theirs) {
                    agreeing += c > r ? 1 : c == r ? 0.5 : 0;
                    votes++;
                }
            }
        }
        return votes == 0 ? 1.0 : agreeing / votes;
    }
}
