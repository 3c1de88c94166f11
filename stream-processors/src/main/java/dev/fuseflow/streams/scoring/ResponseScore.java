package dev.fuseflow.streams.scoring;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reward of one response and the evidence behind it.
 *
 * @param generationId the response
 * @param reward       combined reward (ScoringPolicy)
 * @param signals      each signal's value per kind, already mapped to the kind's scale (sorted by event id)
 * @param feedbackIds  FeedbackEvent ids that scored it, sorted
 * @param givers       distinct judges
 */
public record ResponseScore(
        String generationId,
        double reward,
        Map<SignalKind, List<Double>> signals,
        List<String> feedbackIds,
        Set<String> givers) {

    public int signalCount() {
        return feedbackIds.size();
    }
}
