package dev.fuseflow.streams.state;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.streams.scoring.NamedResponses;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/** Everything the topology remembers about one prompt: its responses, their feedback, what it emitted. */
public final class PromptState {

    private final List<GenerationEvent> generations;
    private final List<StoredFeedback> feedback;
    private String lastEmittedSampleId;
    private long lastActivityMs;
    /** Each event's Avro encoding, made once, so that writing the state back costs copies, not encodes. */
    private final Map<Object, byte[]> encoded = new IdentityHashMap<>();

    public PromptState() {
        this(new ArrayList<>(), new ArrayList<>(), null, Long.MIN_VALUE);
    }

    PromptState(
            List<GenerationEvent> generations,
            List<StoredFeedback> feedback,
            String lastEmittedSampleId,
            long lastActivityMs) {
        this.generations = generations;
        this.feedback = feedback;
        this.lastEmittedSampleId = lastEmittedSampleId;
        this.lastActivityMs = lastActivityMs;
    }

    /** Adds a generation unless one with the same event id is known (a producer retry); true if added. */
    public boolean add(GenerationEvent generation) {
        return add(generation, null);
    }

    /** Like {@link #add(GenerationEvent)}, with the event's Avro body if the caller has it (null if not). */
    public boolean add(GenerationEvent generation, byte[] avroBody) {
        if (hasGeneration(generation.getEventId())) {
            return false;
        }
        generations.add(generation);
        remember(generation, avroBody);
        return true;
    }

    /** Adds feedback unless its event id is known; true if added. */
    public boolean add(StoredFeedback stored) {
        return add(stored, null);
    }

    /** Like {@link #add(StoredFeedback)}, with the event's Avro body if the caller has it (null if not). */
    public boolean add(StoredFeedback stored, byte[] avroBody) {
        String id = stored.event().getEventId();
        for (StoredFeedback known : feedback) {
            if (known.event().getEventId().equals(id)) {
                return false;
            }
        }
        feedback.add(stored);
        remember(stored.event(), avroBody);
        return true;
    }

    private void remember(Object event, byte[] avroBody) {
        if (avroBody != null) {
            encoded.put(event, avroBody);
        }
    }

    public boolean hasGeneration(String generationId) {
        // Loops, not streams, in what runs for every event: setting up a stream pipeline showed in the profile.
        for (GenerationEvent g : generations) {
            if (g.getEventId().equals(generationId)) {
                return true;
            }
        }
        return false;
    }

    /** True when every response the feedback names has arrived. */
    public boolean isResolved(StoredFeedback stored) {
        for (String generationId : NamedResponses.of(stored.event())) {
            if (!hasGeneration(generationId)) {
                return false;
            }
        }
        return true;
    }

    /** Removes and returns feedback that satisfies {@code test}. */
    public List<StoredFeedback> removeFeedback(Predicate<StoredFeedback> test) {
        List<StoredFeedback> removed = feedback.stream().filter(test).toList();
        feedback.removeAll(removed);
        removed.forEach(f -> encoded.remove(f.event()));
        return removed;
    }

    public void touch(long timestampMs) {
        lastActivityMs = Math.max(lastActivityMs, timestampMs);
    }

    public List<GenerationEvent> generations() {
        return Collections.unmodifiableList(generations);
    }

    public List<StoredFeedback> storedFeedback() {
        return Collections.unmodifiableList(feedback);
    }

    public List<FeedbackEvent> feedback() {
        List<FeedbackEvent> events = new ArrayList<>(feedback.size());
        for (StoredFeedback f : feedback) {
            events.add(f.event());
        }
        return events;
    }

    public Optional<String> lastEmittedSampleId() {
        return Optional.ofNullable(lastEmittedSampleId);
    }

    public void emitted(String sampleId) {
        lastEmittedSampleId = sampleId;
    }

    public long lastActivityMs() {
        return lastActivityMs;
    }

    /** The event's encoding, made by {@code encoder} on first use and remembered while the state lives. */
    byte[] encoding(Object event, Function<Object, byte[]> encoder) {
        return encoded.computeIfAbsent(event, encoder);
    }
}
