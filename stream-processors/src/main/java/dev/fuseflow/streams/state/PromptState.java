package dev.fuseflow.streams.state;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    PromptState(List<GenerationEvent> generations, List<StoredFeedback> feedback, String lastEmittedSampleId,
                long lastActivityMs) {
        this.generations = generations;
        this.feedback = feedback;
        this.lastEmittedSampleId = lastEmittedSampleId;
        this.lastActivityMs = lastActivityMs;
    }

    /** Adds a generation unless one with the same event id is known (a producer retry); true if added. */
    public boolean add(GenerationEvent generation) {
        if (generations.stream().anyMatch(g -> g.getEventId().equals(generation.getEventId()))) {
            return false;
        }
        generations.add(generation);
        return true;
    }

    /** Adds feedback unless its event id is known; true if added. */
    public boolean add(StoredFeedback stored) {
        String id = stored.event().getEventId();
        if (feedback.stream().anyMatch(f -> f.event().getEventId().equals(id))) {
            return false;
        }
        feedback.add(stored);
        return true;
    }

    public boolean hasGeneration(String generationId) {
        return generations.stream().anyMatch(g -> g.getEventId().equals(generationId));
    }

    /** Removes and returns feedback that satisfies {@code test}. */
    public List<StoredFeedback> removeFeedback(java.util.function.Predicate<StoredFeedback> test) {
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
        return feedback.stream().map(StoredFeedback::event).toList();
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
    byte[] encoding(Object event, java.util.function.Function<Object, byte[]> encoder) {
        return encoded.computeIfAbsent(event, encoder);
    }
}
