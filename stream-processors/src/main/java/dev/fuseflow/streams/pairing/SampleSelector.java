package dev.fuseflow.streams.pairing;

import java.util.List;
import java.util.Optional;

/**
 * Decides whether a prompt has a WRPO sample and which responses form it: at least one scored
 * SOURCE response and at least two scored TARGET responses whose best-minus-worst reward gap
 * reaches {@code minRewardGap}.
 */
public final class SampleSelector {

    private SampleSelector() {}

    public static Optional<Selection> select(List<Candidate> sources, List<Candidate> targets, double minRewardGap) {
        if (sources.isEmpty() || targets.size() < 2) {
            return Optional.empty();
        }
        Candidate bestSource = sources.stream().min(Candidate.BEST_FIRST).orElseThrow();
        Candidate bestTarget = targets.stream().min(Candidate.BEST_FIRST).orElseThrow();
        Candidate worstTarget = targets.stream()
                .filter(t -> t != bestTarget)
                .min(Candidate.WORST_FIRST)
                .orElseThrow();
        Selection selection = new Selection(bestSource, bestTarget, worstTarget);
        return selection.rewardGap() >= minRewardGap ? Optional.of(selection) : Optional.empty();
    }
}
