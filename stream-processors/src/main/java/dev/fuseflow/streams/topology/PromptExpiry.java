package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.streams.state.PromptState;
import dev.fuseflow.streams.state.StoredFeedback;
import dev.fuseflow.streams.validation.InvalidEventException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The two windows, on stream time so that reprocessing decides the same: feedback whose response
 * has not arrived within the reference window is dead-lettered, and a prompt idle for the
 * inactivity window is forgotten, with a marker in the expired-prompts store that makes later
 * events for it LATE until the late retention has passed. {@link #sweep} is the wall-clock
 * punctuator; it also re-evaluates every prompt when a newer target version was published, the
 * one change to a sample that comes without an event of its prompt. The {@link PromptIndex}
 * tells it which prompts to look at, so it does not decode the whole store every time.
 */
final class PromptExpiry {

    private final TopologySettings settings;
    private final ProcessorContext<String, Object> context;
    private final PromptStore store;
    private final KeyValueStore<String, Long> expired;
    private final SampleEmitter samples;
    private final PromptDeadLetters deadLetters;
    private final Map<String, Counter> lateEvents;

    PromptExpiry(
            TopologySettings settings,
            ProcessorContext<String, Object> context,
            PromptStore store,
            SampleEmitter samples,
            PromptDeadLetters deadLetters,
            MeterRegistry meters) {
        this.settings = settings;
        this.context = context;
        this.store = store;
        this.expired = context.getStateStore(PreferenceTopology.EXPIRED_PROMPTS_STORE);
        this.samples = samples;
        this.deadLetters = deadLetters;
        this.lateEvents = PromptEvent.perKind(kind -> meters.counter("fuseflow_late_events", "kind", kind));
    }

    /**
     * The state a new event of the prompt joins, fresh if there is none. Decided on stream time
     * here too, so that the outcome never depends on when the sweep ran: an idle prompt is
     * forgotten first, and an event for a forgotten prompt is rejected as LATE.
     */
    PromptState activeState(String promptId, PromptEvent event) {
        long now = context.currentStreamTimeMs();
        PromptState known = store.get(promptId);
        if (known != null && isInactive(known, now)) {
            forget(promptId, known, now);
            known = null;
        }
        if (known != null) {
            return known;
        }
        // A prompt with state has no expiry marker (forgetting deletes the state), so only a new one needs the lookup.
        rejectIfForgotten(promptId, event);
        return new PromptState();
    }

    /** The punctuator: unknown references, inactivity expiry, late re-evaluation. */
    void sweep(long wallClockMs) {
        long now = context.currentStreamTimeMs();
        boolean versionsChanged = samples.publishedVersionsChanged();
        Iterable<String> due = versionsChanged
                ? store.promptIds()
                : store.due(
                        now - settings.inactivityWindow().toMillis(),
                        now - settings.referenceWindow().toMillis());
        for (String promptId : due) {
            sweepOne(promptId, now, versionsChanged);
        }
        forgetExpiredMarkers(now);
    }

    private void sweepOne(String promptId, long now, boolean reevaluate) {
        PromptState state = store.get(promptId);
        if (state == null) {
            return;
        }
        if (isInactive(state, now)) {
            forget(promptId, state, now);
            return;
        }
        List<StoredFeedback> orphans = state.removeFeedback(f -> !state.isResolved(f)
                && f.timestamp() < now - settings.referenceWindow().toMillis());
        deadLetters.unresolved(promptId, orphans);
        String before = state.lastEmittedSampleId().orElse(null);
        if (reevaluate) {
            samples.emitIfChanged(promptId, state, now);
        }
        if (!orphans.isEmpty()
                || !Objects.equals(before, state.lastEmittedSampleId().orElse(null))) {
            store.put(promptId, state);
        }
    }

    private boolean isInactive(PromptState state, long streamTimeMs) {
        return state.lastActivityMs()
                < streamTimeMs - settings.inactivityWindow().toMillis();
    }

    /** Drops an idle prompt: its unresolved feedback is dead-lettered, a marker makes later events LATE. */
    private void forget(String promptId, PromptState state, long now) {
        deadLetters.unresolved(promptId, state.removeFeedback(f -> !state.isResolved(f)));
        store.delete(promptId);
        expired.put(promptId, now);
    }

    private void rejectIfForgotten(String promptId, PromptEvent event) {
        Long expiredAt = expired.get(promptId);
        if (expiredAt != null) {
            lateEvents.get(event.kind()).increment();
            throw new InvalidEventException(
                    DeadLetterReason.LATE,
                    "prompt '" + promptId + "' was forgotten at stream time "
                            + Instant.ofEpochMilli(expiredAt) + " after " + settings.inactivityWindow()
                            + " without events; this "
                            + event.kind() + " arrived late");
        }
    }

    private void forgetExpiredMarkers(long now) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = expired.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value < now - settings.lateRetention().toMillis()) {
                    old.add(kv.key);
                }
            });
        }
        old.forEach(expired::delete);
    }
}
