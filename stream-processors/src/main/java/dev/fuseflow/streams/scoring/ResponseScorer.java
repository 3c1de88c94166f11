package dev.fuseflow.streams.scoring;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.Rating;
import dev.fuseflow.schemas.avro.RewardScore;
import dev.fuseflow.schemas.avro.Thumbs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns one prompt's feedback into a reward per response with a {@link ScoringPolicy}. Pure and
 * order-independent: feedback is processed sorted by event id, so any arrival order gives the
 * same rewards, bit for bit.
 */
public final class ResponseScorer {

    private final ScoringPolicy policy;

    public ResponseScorer(ScoringPolicy policy) {
        this.policy = policy;
    }

    /**
     * Rewards of the responses in {@code generationIds} that have at least one signal. Feedback on
     * other generation ids (not arrived yet) is ignored here.
     */
    public Map<String, ResponseScore> score(Set<String> generationIds, List<FeedbackEvent> feedback) {
        List<FeedbackEvent> sorted = new ArrayList<>(feedback);
        sorted.sort(Comparator.comparing(FeedbackEvent::getEventId));
        Map<String, Accumulator> byResponse = new TreeMap<>();
        List<Comparison> comparisons = new ArrayList<>();
        for (FeedbackEvent event : sorted) {
            collect(event, generationIds, byResponse, comparisons);
        }
        Map<String, Double> pairwiseRewards = pairwiseRewards(comparisons);
        Map<String, ResponseScore> scores = new TreeMap<>();
        byResponse.forEach((id, acc) -> {
            if (pairwiseRewards.containsKey(id)) {
                acc.signals
                        .computeIfAbsent(SignalKind.PAIRWISE, k -> new ArrayList<>())
                        .add(pairwiseRewards.get(id));
            }
            scores.put(
                    id,
                    new ResponseScore(
                            id,
                            combine(acc.signals),
                            Map.copyOf(acc.signals),
                            List.copyOf(acc.feedbackIds),
                            Set.copyOf(acc.givers)));
        });
        return scores;
    }

    /** The pairwise choices among known responses, in event-id order. */
    public static List<Comparison> comparisons(Set<String> generationIds, List<FeedbackEvent> feedback) {
        return feedback.stream()
                .sorted(Comparator.comparing(FeedbackEvent::getEventId))
                .filter(f -> f.getSignal() instanceof PairwiseChoice)
                .map(f -> (PairwiseChoice) f.getSignal())
                .filter(c -> generationIds.contains(c.getPreferredGenerationId())
                        && generationIds.contains(c.getOtherGenerationId()))
                .map(c -> new Comparison(c.getPreferredGenerationId(), c.getOtherGenerationId()))
                .toList();
    }

    private void collect(
            FeedbackEvent event, Set<String> known, Map<String, Accumulator> byResponse, List<Comparison> comparisons) {
        List<String> named = NamedResponses.of(event);
        if (!known.containsAll(named)) {
            return;
        }
        String giver = event.getGiver().getKind() + ":" + event.getGiver().getId();
        for (String id : named) {
            byResponse.computeIfAbsent(id, k -> new Accumulator()).note(event.getEventId(), giver);
        }
        Object signal = event.getSignal();
        if (signal instanceof PairwiseChoice choice) {
            comparisons.add(new Comparison(choice.getPreferredGenerationId(), choice.getOtherGenerationId()));
        } else {
            byResponse
                    .get(event.getGenerationId())
                    .signals
                    .computeIfAbsent(SignalKind.of(signal), k -> new ArrayList<>())
                    .add(value(signal));
        }
    }

    /** A single signal on its kind's scale (pairwise choices are scored jointly instead). */
    double value(Object signal) {
        if (signal instanceof RewardScore score) {
            return score.getScore();
        }
        if (signal instanceof Rating rating) {
            return 2 * (rating.getValue() - rating.getScaleMin()) / (rating.getScaleMax() - rating.getScaleMin()) - 1;
        }
        if (signal instanceof Thumbs thumbs) {
            return thumbs.getUp() ? policy.thumbsUp() : policy.thumbsDown();
        }
        throw new IllegalArgumentException("no single value for " + signal);
    }

    private Map<String, Double> pairwiseRewards(List<Comparison> comparisons) {
        if (comparisons.isEmpty()) {
            return Map.of();
        }
        SortedSet<String> items = new TreeSet<>();
        comparisons.forEach(c -> {
            items.add(c.winner());
            items.add(c.loser());
        });
        Map<String, Double> rewards = new TreeMap<>();
        BradleyTerry.strengths(items, comparisons, policy.bradleyTerryPrior(), policy.bradleyTerryIterations())
                .forEach((id, strength) -> rewards.put(id, BradleyTerry.reward(strength)));
        return rewards;
    }

    private double combine(Map<SignalKind, List<Double>> signals) {
        double weighted = 0;
        double totalWeight = 0;
        for (SignalKind kind : SignalKind.values()) {
            List<Double> values = signals.get(kind);
            if (values == null || values.isEmpty() || policy.weight(kind) == 0) {
                continue;
            }
            weighted += policy.weight(kind) * mean(values);
            totalWeight += policy.weight(kind);
        }
        return totalWeight == 0 ? 0 : weighted / totalWeight;
    }

    private static double mean(List<Double> values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.size();
    }

    /** Signals of one response while they are collected. */
    private static final class Accumulator {
        private final Map<SignalKind, List<Double>> signals = new EnumMap<>(SignalKind.class);
        private final SortedSet<String> feedbackIds = new TreeSet<>();
        private final Set<String> givers = new TreeSet<>();

        void note(String feedbackId, String giver) {
            feedbackIds.add(feedbackId);
            givers.add(giver);
        }
    }
}
