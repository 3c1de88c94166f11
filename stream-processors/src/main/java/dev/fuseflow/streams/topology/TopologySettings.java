package dev.fuseflow.streams.topology;

import static dev.fuseflow.streams.config.StreamProcessorSettings.INACTIVITY_WINDOW;
import static dev.fuseflow.streams.config.StreamProcessorSettings.LATE_RETENTION;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_EVENTS_PER_PROMPT;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_FUTURE_SKEW;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_OUTPUT_BYTES;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_TEXT_BYTES;
import static dev.fuseflow.streams.config.StreamProcessorSettings.PUNCTUATION_INTERVAL;
import static dev.fuseflow.streams.config.StreamProcessorSettings.REFERENCE_WINDOW;

import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.streams.pairing.EmissionPolicy;
import dev.fuseflow.streams.pairing.WeightPolicy;
import dev.fuseflow.streams.scoring.ScoringPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * What the topology decides with, validated at start by the rules of the settings
 * ({@code StreamProcessorSettings}), whose defaults {@link #defaults} takes.
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
 * @param maxFutureSkew       how far ahead of the wall clock a record's timestamp or createdAt may lie;
 *                            further is dead-lettered as FUTURE_TIMESTAMP before it moves stream time
 */
// More than eight components: built from the declared settings by key; tests change one component with the with*
// methods.
@SuppressWarnings("checkstyle:RecordComponentNumber")
public record TopologySettings(
        FuseFlowTopics topics,
        ScoringPolicy scoring,
        WeightPolicy weights,
        EmissionPolicy emission,
        int maxTextBytes,
        Duration referenceWindow,
        Duration inactivityWindow,
        Duration lateRetention,
        Duration punctuationInterval,
        int maxEventsPerPrompt,
        int maxOutputBytes,
        Duration maxFutureSkew) {

    public TopologySettings {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(scoring, "scoring");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(emission, "emission");
        MAX_TEXT_BYTES.require("max text size", maxTextBytes);
        REFERENCE_WINDOW.require("reference window", Objects.requireNonNull(referenceWindow, "reference window"));
        INACTIVITY_WINDOW.require("inactivity window", Objects.requireNonNull(inactivityWindow, "inactivity window"));
        LATE_RETENTION.require("late retention", Objects.requireNonNull(lateRetention, "late retention"));
        PUNCTUATION_INTERVAL.require(
                "punctuation interval", Objects.requireNonNull(punctuationInterval, "punctuation interval"));
        MAX_EVENTS_PER_PROMPT.require("max events per prompt", maxEventsPerPrompt);
        MAX_OUTPUT_BYTES.require("max output bytes", maxOutputBytes);
        MAX_FUTURE_SKEW.require("max future skew", Objects.requireNonNull(maxFutureSkew, "max future skew"));
        if (inactivityWindow.compareTo(referenceWindow) < 0) {
            throw new IllegalArgumentException(
                    "inactivity window " + inactivityWindow + " must not be shorter than the reference window "
                            + referenceWindow + ": a prompt would be forgotten while it still waits for a response");
        }
    }

    /** The declared defaults, on {@code topics}. */
    public static TopologySettings defaults(FuseFlowTopics topics) {
        return new TopologySettings(
                topics,
                ScoringPolicy.DEFAULT,
                WeightPolicy.DEFAULT,
                EmissionPolicy.DEFAULT,
                MAX_TEXT_BYTES.defaultValue(),
                REFERENCE_WINDOW.defaultValue(),
                INACTIVITY_WINDOW.defaultValue(),
                LATE_RETENTION.defaultValue(),
                PUNCTUATION_INTERVAL.defaultValue(),
                MAX_EVENTS_PER_PROMPT.defaultValue(),
                MAX_OUTPUT_BYTES.defaultValue(),
                MAX_FUTURE_SKEW.defaultValue());
    }
}
