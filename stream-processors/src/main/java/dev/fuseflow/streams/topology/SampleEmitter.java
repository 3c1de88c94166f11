package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.streams.pairing.SampleBuilder;
import dev.fuseflow.streams.state.PromptState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides a prompt's sample against the newest published target versions and sends it when it
 * changed: to the preferences sink, or as a dead letter when it is too large to send.
 */
final class SampleEmitter {

    private final TopologySettings settings;
    private final SampleBuilder samples;
    private final Serializer<PreferenceSample> sampleSerializer;
    private final ProcessorContext<String, Object> context;
    private final PromptDeadLetters deadLetters;
    private final KeyValueStore<String, Long> newestPublished;
    private final Counter samplesEmitted;
    private final Timer eventToSample;
    private Map<String, Long> publishedAtLastCheck = Map.of();

    SampleEmitter(
            TopologySettings settings,
            Serializer<PreferenceSample> sampleSerializer,
            ProcessorContext<String, Object> context,
            PromptDeadLetters deadLetters,
            MeterRegistry meters) {
        this.settings = settings;
        this.samples = new SampleBuilder(settings.scoring(), settings.weights(), settings.emission());
        this.sampleSerializer = sampleSerializer;
        this.context = context;
        this.deadLetters = deadLetters;
        this.newestPublished = context.getStateStore(PreferenceTopology.PUBLISHED_VERSIONS_STORE);
        this.samplesEmitted = meters.counter("fuseflow_samples_emitted");
        this.eventToSample = meters.timer("fuseflow_event_to_sample_latency");
    }

    /** Sends the prompt's sample if it differs from the one emitted last, and notes it in the state. */
    void emitIfChanged(String promptId, PromptState state, long timestamp) {
        Map<String, Long> published = publishedVersions(state);
        Optional<SampleBuilder.Decision> decision =
                samples.decide(promptId, state.generations(), state.feedback(), published);
        if (decision.isEmpty()
                || decision.get().sampleId().equals(state.lastEmittedSampleId().orElse(null))) {
            return;
        }
        PreferenceSample sample = decision.get().sample().get();
        state.emitted(sample.getSampleId());
        String preferencesTopic = settings.topics().preferences().name();
        // Encoded once, here: the size decides between the preferences and the dead letters, and
        // the sink sends these bytes as they are (a second encoding was a visible share of the
        // stream thread's time).
        byte[] encoded = sampleSerializer.serialize(preferencesTopic, sample);
        if (encoded.length > settings.maxOutputBytes()) {
            deadLetters.oversized(promptId, sample, encoded.length);
            return;
        }
        context.forward(new Record<String, Object>(promptId, encoded, timestamp), PreferenceTopology.PREFERENCES_SINK);
        samplesEmitted.increment();
        eventToSample.record(Math.max(0, System.currentTimeMillis() - timestamp), TimeUnit.MILLISECONDS);
    }

    /**
     * True when the published versions differ from those at the previous call: a prompt's sample
     * can change without an event of its own only when a newer version made responses stale.
     */
    boolean publishedVersionsChanged() {
        Map<String, Long> all = new HashMap<>();
        try (KeyValueIterator<String, Long> versions = newestPublished.all()) {
            versions.forEachRemaining(kv -> all.put(kv.key, kv.value));
        }
        boolean changed = !all.equals(publishedAtLastCheck);
        publishedAtLastCheck = all;
        return changed;
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
}
