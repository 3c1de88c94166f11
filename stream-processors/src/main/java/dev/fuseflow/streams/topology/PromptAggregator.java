package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.streams.deadletter.DeadLetterHandler;
import dev.fuseflow.streams.pairing.SampleBuilder;
import dev.fuseflow.streams.state.PromptState;
import dev.fuseflow.streams.state.StoredFeedback;
import dev.fuseflow.streams.validation.InvalidEventException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Collects each prompt's generations and feedback in the prompt-state store and emits its WRPO
 * sample whenever the evidence changes it. A wall-clock punctuator sweeps the store: feedback
 * whose response never arrived within the reference window is dead-lettered, prompts idle for
 * the inactivity window are forgotten (and later events for them dead-lettered as LATE), and
 * prompts whose sample changed without a new event of their own (a newer published target
 * version made responses stale) are re-evaluated. An in-memory {@link PromptIndex} tells the sweep
 * which prompts to look at, so it does not decode the whole store every time. Decisions use stream time, never the wall clock,
 * so reprocessing makes the same decisions.
 */
final class PromptAggregator implements Processor<String, Object, String, Object> {

    /**
     * Decoded states of the prompts seen last: a prompt's events tend to come together, and
     * decoding its whole state for every event was the topology's largest cost. The store stays
     * the truth; this task is its only writer, and the map is emptied whenever the task starts.
     * Per task; 10,000 kept so much alive that young collections paused the benchmark for a tenth
     * of its time (1,000: a third of that, same hit rate there).
     */
    private static final int RECENT_PROMPTS = 1_000;

    private final TopologySettings settings;
    private final SampleBuilder samples;
    private final Serializer<FeedbackEvent> feedbackSerializer;
    private final Serializer<PreferenceSample> sampleSerializer;
    private final MeterRegistry meters;
    private final Map<String, PromptState> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PromptState> eldest) {
            return size() > RECENT_PROMPTS;
        }
    };
    private ProcessorContext<String, Object> context;
    private Counter samplesEmitted;
    private Timer eventToSample;
    private Map<String, Counter> inputEvents;
    private Map<String, Long> publishedAtLastSweep = Map.of();
    private final PromptIndex index = new PromptIndex();
    private KeyValueStore<String, PromptState> prompts;
    private KeyValueStore<String, Long> expired;
    private KeyValueStore<String, Long> newestPublished;

    PromptAggregator(TopologySettings settings, Serializer<FeedbackEvent> feedbackSerializer,
                     Serializer<PreferenceSample> sampleSerializer, MeterRegistry meters) {
        this.settings = settings;
        this.sampleSerializer = sampleSerializer;
        this.samples = new SampleBuilder(settings.scoring(), settings.weights(), settings.emission());
        this.feedbackSerializer = feedbackSerializer;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        prompts = context.getStateStore(PreferenceTopology.PROMPT_STATE_STORE);
        expired = context.getStateStore(PreferenceTopology.EXPIRED_PROMPTS_STORE);
        newestPublished = context.getStateStore(PreferenceTopology.PUBLISHED_VERSIONS_STORE);
        Gauge.builder("fuseflow_prompt_state_entries", prompts, KeyValueStore::approximateNumEntries)
                .tag("task", context.taskId().toString()).register(meters);
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
        recent.clear();
        rebuildIndex();
        samplesEmitted = meters.counter("fuseflow_samples_emitted");
        eventToSample = meters.timer("fuseflow_event_to_sample_latency");
        inputEvents = Map.of("generation", meters.counter("fuseflow_input_events", "kind", "generation"),
                "feedback", meters.counter("fuseflow_input_events", "kind", "feedback"));
    }

    @Override
    public void process(Record<String, Object> received) {
        Received<?> value = (Received<?>) received.value();
        Record<String, Object> record = received.withValue(value.event());
        String promptId = record.key();
        PromptState known = current(promptId);
        if (known != null && isInactive(known, context.currentStreamTimeMs())) {
            // Decide on stream time here too, so that the outcome never depends on when the sweep ran.
            forget(promptId, known, context.currentStreamTimeMs());
            known = null;
        }
        if (known == null) {
            // A prompt with state has no expiry marker (forgetting deletes the state), so only a new one needs the lookup.
            rejectIfExpired(promptId, record);
        }
        PromptState state = Optional.ofNullable(known).orElseGet(PromptState::new);
        if (!remember(state, record, value.body())) {
            return;
        }
        state.touch(record.timestamp());
        emitIfChanged(promptId, state, record.timestamp());
        put(promptId, state);
    }

    private void put(String promptId, PromptState state) {
        prompts.put(promptId, state);
        recent.put(promptId, state);
        indexState(promptId, state);
    }

    private void rejectIfExpired(String promptId, Record<String, Object> record) {
        Long expiredAt = expired.get(promptId);
        if (expiredAt != null) {
            meters.counter("fuseflow_late_events", "kind", kind(record.value())).increment();
            throw new InvalidEventException(DeadLetterReason.LATE, "prompt '" + promptId + "' was forgotten at stream time "
                    + Instant.ofEpochMilli(expiredAt) + " after " + settings.inactivityWindow() + " without events; this "
                    + kind(record.value()) + " arrived late");
        }
    }

    /** Adds the event to the state; false for a duplicate (a producer retry), which changes nothing. */
    private boolean remember(PromptState state, Record<String, Object> record, byte[] avroBody) {
        inputEvents.get(kind(record.value())).increment();
        int held = state.generations().size() + state.storedFeedback().size();
        if (held >= settings.maxEventsPerPrompt()) {
            throw new InvalidEventException(DeadLetterReason.TOO_LARGE, "prompt '" + record.key() + "' already holds " + held
                    + " events, the limit (fuseflow.limits.max-events-per-prompt); this " + kind(record.value()) + " is not kept");
        }
        if (record.value() instanceof GenerationEvent generation) {
            return state.add(generation, avroBody);
        }
        FeedbackEvent feedback = (FeedbackEvent) record.value();
        RecordMetadata source = context.recordMetadata().orElseThrow();
        return state.add(new StoredFeedback(feedback, source.partition(), source.offset(), record.timestamp()), avroBody);
    }

    private void emitIfChanged(String promptId, PromptState state, long timestamp) {
        Map<String, Long> published = publishedVersions(state);
        Optional<SampleBuilder.Decision> decision = samples.decide(promptId, state.generations(), state.feedback(), published);
        if (decision.isEmpty() || decision.get().sampleId().equals(state.lastEmittedSampleId().orElse(null))) {
            return;
        }
        PreferenceSample sample = decision.get().sample().get();
        state.emitted(sample.getSampleId());
        String preferencesTopic = settings.topics().preferences().name();
        // Encoded once, here: the size decides between the preferences and the dead letters, and
        // the sink sends these bytes as they are (encoding it twice cost 7 % of the stream thread).
        byte[] encoded = sampleSerializer.serialize(preferencesTopic, sample);
        if (encoded.length > settings.maxOutputBytes()) {
            deadLetterOversized(promptId, sample, encoded.length);
            return;
        }
        context.forward(new Record<String, Object>(promptId, encoded, timestamp), PreferenceTopology.PREFERENCES_SINK);
        samplesEmitted.increment();
        eventToSample.record(Math.max(0, System.currentTimeMillis() - timestamp), TimeUnit.MILLISECONDS);
    }

    private Map<String, Long> publishedVersions(PromptState state) {
        Map<String, Long> published = new HashMap<>();
        for (GenerationEvent g : state.generations()) {
            // Once per model, not per response: a prompt's responses share a few models.
            String model = g.getModel().getName();
            if (!published.containsKey(model)) {
                Long newest = newestPublished.get(model);
                if (newest != null) {
                    published.put(model, newest);
                }
            }
        }
        return published;
    }

    private Map<String, Long> allPublishedVersions() {
        Map<String, Long> all = new HashMap<>();
        try (KeyValueIterator<String, Long> versions = newestPublished.all()) {
            versions.forEachRemaining(kv -> all.put(kv.key, kv.value));
        }
        return all;
    }

    /** The punctuator: unknown references, inactivity expiry, late re-evaluation. */
    private void sweep(long wallClockMs) {
        long now = context.currentStreamTimeMs();
        Map<String, Long> published = allPublishedVersions();
        // A prompt's sample can change without an event of its own only when a newer version made responses stale.
        boolean versionsChanged = !published.equals(publishedAtLastSweep);
        publishedAtLastSweep = published;
        Iterable<String> due = versionsChanged ? index.all()
                : index.due(now - settings.inactivityWindow().toMillis(), now - settings.referenceWindow().toMillis());
        for (String promptId : due) {
            sweepOne(promptId, now, versionsChanged);
        }
        forgetExpiredMarkers(now);
    }

    private void sweepOne(String promptId, long now, boolean reevaluate) {
        PromptState state = current(promptId);
        if (state == null) {
            index.remove(promptId);
            return;
        }
        if (isInactive(state, now)) {
            forget(promptId, state, now);
            return;
        }
        List<StoredFeedback> orphans = state.removeFeedback(f -> !references(state, f)
                && f.timestamp() < now - settings.referenceWindow().toMillis());
        deadLetterUnresolved(promptId, orphans);
        String before = state.lastEmittedSampleId().orElse(null);
        if (reevaluate) {
            emitIfChanged(promptId, state, now);
        }
        if (!orphans.isEmpty() || !Objects.equals(before, state.lastEmittedSampleId().orElse(null))) {
            put(promptId, state);
        }
    }

    private PromptState current(String promptId) {
        PromptState cached = recent.get(promptId);
        if (cached != null) {
            return cached;
        }
        // The index knows every prompt the store holds, so a new prompt costs no store read.
        return index.contains(promptId) ? prompts.get(promptId) : null;
    }

    /** After a restore the index is empty: one pass over the store fills it. */
    private void rebuildIndex() {
        index.clear();
        try (KeyValueIterator<String, PromptState> all = prompts.all()) {
            all.forEachRemaining(kv -> indexState(kv.key, kv.value));
        }
    }

    private void indexState(String promptId, PromptState state) {
        long oldestUnresolved = Long.MAX_VALUE;
        for (StoredFeedback f : state.storedFeedback()) {
            if (f.timestamp() < oldestUnresolved && !references(state, f)) {
                oldestUnresolved = f.timestamp();
            }
        }
        index.update(promptId, state.lastActivityMs(), oldestUnresolved);
    }

    private boolean isInactive(PromptState state, long streamTimeMs) {
        return state.lastActivityMs() < streamTimeMs - settings.inactivityWindow().toMillis();
    }

    /** Drops an idle prompt: its unresolved feedback is dead-lettered, a marker makes later events LATE. */
    private void forget(String promptId, PromptState state, long now) {
        deadLetterUnresolved(promptId, state.removeFeedback(f -> !references(state, f)));
        prompts.delete(promptId);
        recent.remove(promptId);
        index.remove(promptId);
        expired.put(promptId, now);
    }

    /** True when every response the feedback names has arrived. */
    private static boolean references(PromptState state, StoredFeedback stored) {
        FeedbackEvent f = stored.event();
        if (f.getSignal() instanceof PairwiseChoice choice) {
            return state.hasGeneration(choice.getPreferredGenerationId()) && state.hasGeneration(choice.getOtherGenerationId());
        }
        return state.hasGeneration(f.getGenerationId());
    }

    private void deadLetterUnresolved(String promptId, List<StoredFeedback> unresolved) {
        String feedbackTopic = settings.topics().feedback().name();
        for (StoredFeedback stored : unresolved) {
            FeedbackEvent f = stored.event();
            String missing = f.getSignal() instanceof PairwiseChoice c
                    ? "'" + c.getPreferredGenerationId() + "' and '" + c.getOtherGenerationId() + "'"
                    : "'" + f.getGenerationId() + "'";
            sendDeadLetter(promptId, stored.timestamp(), deadLetter(promptId, DeadLetterReason.UNKNOWN_REFERENCE,
                    "feedback " + f.getEventId() + " names response " + missing + " of prompt '" + promptId
                            + "', which did not arrive within " + settings.referenceWindow())
                    .setOriginalValue(ByteBuffer.wrap(feedbackSerializer.serialize(feedbackTopic, f)))
                    .setSourceTopic(feedbackTopic)
                    .setSourcePartition(stored.partition())
                    .setSourceOffset(stored.offset())
                    .setSourceTimestamp(Instant.ofEpochMilli(stored.timestamp())));
        }
    }

    /** A sample the broker would refuse: recorded as a dead letter (without the sample) instead of sent. */
    private void deadLetterOversized(String promptId, PreferenceSample sample, int size) {
        DeadLetter.Builder letter = deadLetter(promptId, DeadLetterReason.TOO_LARGE, "sample " + sample.getSampleId()
                + " of prompt '" + promptId + "' has " + size + " bytes, above fuseflow.limits.max-output-bytes "
                + settings.maxOutputBytes() + "; it was not sent");
        context.recordMetadata().ifPresent(source -> letter.setSourceTopic(source.topic()).setSourcePartition(source.partition())
                .setSourceOffset(source.offset()));
        sendDeadLetter(promptId, context.currentStreamTimeMs(), letter);
    }

    /** The fields every dead letter this processor writes itself shares. */
    private DeadLetter.Builder deadLetter(String promptId, DeadLetterReason reason, String message) {
        return DeadLetter.newBuilder()
                .setOriginalKey(ByteBuffer.wrap(promptId.getBytes(StandardCharsets.UTF_8)))
                .setStage(DeadLetterHandler.STAGE_PREFIX + PreferenceTopology.AGGREGATOR)
                .setReason(reason)
                .setMessage(message)
                .setProcessorNode(PreferenceTopology.AGGREGATOR)
                .setTaskId(context.taskId().toString())
                .setFailedAt(Instant.ofEpochMilli(context.currentStreamTimeMs()));
    }

    private void sendDeadLetter(String promptId, long timestamp, DeadLetter.Builder builder) {
        DeadLetter letter = builder.build();
        context.forward(new Record<String, Object>(promptId, letter, timestamp), PreferenceTopology.DEAD_LETTERS_SINK);
        meters.counter("fuseflow_dlq_records", "stage", letter.getStage(), "reason", letter.getReason().name()).increment();
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

    private static String kind(Object value) {
        return value instanceof GenerationEvent ? "generation" : "feedback";
    }
}
