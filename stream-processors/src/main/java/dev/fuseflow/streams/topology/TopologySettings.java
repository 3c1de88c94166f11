package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.streams.pairing.EmissionPolicy;
import dev.fuseflow.streams.pairing.WeightPolicy;
import dev.fuseflow.streams.scoring.ScoringPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * What the topology decides with, validated at start.
 *
 * @param topics              topic names
 * @param scoring             how signals become rewards
 * @param weights             how evidence becomes a sample weight
 * @param emission            when a prompt yields a sample
 * @param maxTextBytes        largest prompt or response accepted, in UTF-8 bytes
 * @param referenceWindow     feedback naming a response that has not arrived within this time (stream
 *                            time) is dead-lettered as UNKNOWN_REFERENCE
 * @param inactivityWindow    a prompt without new events for this long (stream time) is forgotten
 * @param lateRetention       how long (stream time) a forgotten prompt is remembered, so that events
 *                            for it are dead-lettered as LATE instead of starting it afresh
 * @param punctuationInterval how often (wall clock) the store is swept for the two windows
 * @param maxEventsPerPrompt  events a prompt may hold; more are dead-lettered as TOO_LARGE, so that
 *                            its state always fits in one changelog record
 * @param maxOutputBytes      largest serialized sample; a larger one is dead-lettered as TOO_LARGE
 *                            instead of being sent, because a record the broker refuses would abort
 *                            the transaction again on every retry
 */
public record TopologySettings(FuseFlowTopics topics, ScoringPolicy scoring, WeightPolicy weights, EmissionPolicy emission,
                               int maxTextBytes, Duration referenceWindow, Duration inactivityWindow,
                               Duration lateRetention, Duration punctuationInterval, int maxEventsPerPrompt,
                               int maxOutputBytes) {

    public TopologySettings {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(scoring, "scoring");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(emission, "emission");
        if (maxTextBytes < 1) {
            throw new IllegalArgumentException("max text size must be at least 1 byte, got " + maxTextBytes);
        }
        requirePositive("reference window", referenceWindow);
        requirePositive("inactivity window", inactivityWindow);
        requirePositive("late retention", lateRetention);
        requirePositive("punctuation interval", punctuationInterval);
        if (maxEventsPerPrompt < 3) {
            throw new IllegalArgumentException("max events per prompt must be at least 3 (a sample needs three responses), got "
                    + maxEventsPerPrompt);
        }
        if (maxOutputBytes < 1024) {
            throw new IllegalArgumentException("max output bytes must be at least 1024, got " + maxOutputBytes);
        }
        if (inactivityWindow.compareTo(referenceWindow) < 0) {
            throw new IllegalArgumentException("inactivity window " + inactivityWindow + " must not be shorter than the reference window "
                    + referenceWindow + ": a prompt would be forgotten while it still waits for a response");
        }
    }

    public static TopologySettings defaults(FuseFlowTopics topics) {
        return new TopologySettings(topics, ScoringPolicy.DEFAULT, WeightPolicy.DEFAULT, EmissionPolicy.DEFAULT, 64 * 1024,
                Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofDays(1), Duration.ofSeconds(5), 200, 900_000);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
