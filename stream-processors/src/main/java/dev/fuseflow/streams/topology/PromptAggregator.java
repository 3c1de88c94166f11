package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.streams.state.PromptState;
import dev.fuseflow.streams.state.StoredFeedback;
import dev.fuseflow.streams.validation.InvalidEventException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Collects each prompt's generations and feedback in the prompt-state store ({@link PromptStore})
 * and emits its WRPO sample whenever the evidence changes it ({@link SampleEmitter}). Feedback
 * whose response never arrives and prompts that fall idle are handled by {@link PromptExpiry},
 * whose sweep is this processor's wall-clock punctuator. Decisions use stream time, never the
 * wall clock, so reprocessing makes the same decisions.
 */
final class PromptAggregator implements Processor<String, PromptEvent, String, Object> {

    private final TopologySettings settings;
    private final Serializer<FeedbackEvent> feedbackSerializer;
    private final Serializer<PreferenceSample> sampleSerializer;
    private final MeterRegistry meters;
    private ProcessorContext<String, Object> context;
    private PromptStore store;
    private PromptExpiry expiry;
    private SampleEmitter samples;
    private Map<String, Counter> inputEvents;

    PromptAggregator(
            TopologySettings settings,
            Serializer<FeedbackEvent> feedbackSerializer,
            Serializer<PreferenceSample> sampleSerializer,
            MeterRegistry meters) {
        this.settings = settings;
        this.feedbackSerializer = feedbackSerializer;
        this.sampleSerializer = sampleSerializer;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        KeyValueStore<String, PromptState> prompts = context.getStateStore(PreferenceTopology.PROMPT_STATE_STORE);
        store = new PromptStore(prompts);
        PromptDeadLetters deadLetters = new PromptDeadLetters(settings, feedbackSerializer, context, meters);
        samples = new SampleEmitter(settings, sampleSerializer, context, deadLetters, meters);
        expiry = new PromptExpiry(settings, context, store, samples, deadLetters, meters);
        inputEvents = PromptEvent.perKind(kind -> meters.counter("fuseflow_input_events", "kind", kind));
        Gauge.builder("fuseflow_prompt_state_entries", prompts, KeyValueStore::approximateNumEntries)
                .tag("task", context.taskId().toString())
                .register(meters);
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, expiry::sweep);
    }

    @Override
    public void process(Record<String, PromptEvent> record) {
        String promptId = record.key();
        PromptState state = expiry.activeState(promptId, record.value());
        countInput(record.value());
        requireRoom(promptId, state, record.value());
        if (rememberIfNew(state, record)) {
            state.touch(record.timestamp());
            samples.emitIfChanged(promptId, state, record.timestamp());
            store.put(promptId, state);
        }
    }

    private void countInput(PromptEvent event) {
        inputEvents.get(event.kind()).increment();
    }

    /** A prompt's state must fit one changelog record, so an event beyond the limit is rejected as TOO_LARGE. */
    private void requireRoom(String promptId, PromptState state, PromptEvent event) {
        int held = state.generations().size() + state.storedFeedback().size();
        if (held >= settings.maxEventsPerPrompt()) {
            throw new InvalidEventException(
                    DeadLetterReason.TOO_LARGE,
                    "prompt '" + promptId + "' already holds " + held
                            + " events, the limit (fuseflow.limits.max-events-per-prompt); this " + event.kind()
                            + " is not kept");
        }
    }

    /** Adds the event to the state; false for a duplicate (a producer retry), which changes nothing. */
    private boolean rememberIfNew(PromptState state, Record<String, PromptEvent> record) {
        if (record.value() instanceof PromptEvent.Generation generation) {
            return state.add(generation.event(), generation.body());
        }
        if (record.value() instanceof PromptEvent.Feedback feedback) {
            // Where the feedback was read, so that a later dead letter for it can point at its source.
            RecordMetadata source = context.recordMetadata().orElseThrow();
            return state.add(
                    new StoredFeedback(feedback.event(), source.partition(), source.offset(), record.timestamp()),
                    feedback.body());
        }
        throw new IllegalArgumentException("not a prompt event: " + record.value());
    }
}
