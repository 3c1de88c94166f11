package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.serde.SpecificAvroSerde;
import dev.fuseflow.schemas.validation.EventValidator;
import dev.fuseflow.streams.state.PromptStateSerde;
import dev.fuseflow.streams.validation.InvalidEventException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The topology, as Kafka's own examples build theirs: names of every node and store are
 * constants the tests share.
 *
 * <pre>
 *   generations-source ─▶ validate-generation ─┐
 *                                              ├─▶ collect-and-emit ─▶ preferences-sink
 *   feedback-source ───▶ validate-feedback ────┘    (prompt-state,     └▶ dead-letters-sink
 *                                                    expired-prompts)
 *   model-versions-source ─▶ track-published-versions (global store published-versions)
 * </pre>
 *
 * Both inputs are keyed by prompt id and co-partitioned, so a prompt's events meet in one task.
 * Invalid and undeserializable records leave through the DeadLetterHandler, which Streams calls
 * with the original bytes.
 */
public final class PreferenceTopology {

    public static final String GENERATIONS_SOURCE = "generations-source";
    public static final String FEEDBACK_SOURCE = "feedback-source";
    public static final String MODEL_VERSIONS_SOURCE = "model-versions-source";
    public static final String VALIDATE_GENERATION = "validate-generation";
    public static final String VALIDATE_FEEDBACK = "validate-feedback";
    public static final String AGGREGATOR = "collect-and-emit";
    public static final String VERSIONS_TRACKER = "track-published-versions";
    public static final String PREFERENCES_SINK = "preferences-sink";
    public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    public static final String PROMPT_STATE_STORE = "prompt-state";
    public static final String EXPIRED_PROMPTS_STORE = "expired-prompts";
    public static final String PUBLISHED_VERSIONS_STORE = "published-versions";

    /** The sources take the application's auto.offset.reset (the overload with an extractor asks for one). */
    private static final AutoOffsetReset NO_RESET_OF_ITS_OWN = null;

    private PreferenceTopology() {}

    /**
     * @param serdeConfig the Avro serdes' settings ({@code schema.registry.url} and friends)
     */
    public static Topology build(TopologySettings settings, Map<String, ?> serdeConfig, MeterRegistry meters) {
        return build(settings, serdeConfig, meters, Clock.systemUTC());
    }

    /** @param clock the wall clock that record timestamps and createdAt fields must not run ahead of */
    public static Topology build(
            TopologySettings settings, Map<String, ?> serdeConfig, MeterRegistry meters, Clock clock) {
        SpecificAvroSerde<GenerationEvent> generations = serde(GenerationEvent.class, serdeConfig);
        SpecificAvroSerde<FeedbackEvent> feedback = serde(FeedbackEvent.class, serdeConfig);
        Serde<PreferenceSample> preferences = serde(PreferenceSample.class, serdeConfig);
        Serde<DeadLetter> deadLetters = serde(DeadLetter.class, serdeConfig);
        Serde<ModelVersion> modelVersions = serde(ModelVersion.class, serdeConfig);
        EventValidator validator = new EventValidator(settings.maxTextBytes(), settings.maxFutureSkew(), clock);
        TimestampExtractor guard = new FutureTimestampGuard(clock, settings.maxFutureSkew());
        Topology topology = new Topology();
        addValidatedSources(topology, settings, generations, feedback, validator, guard);
        addAggregator(topology, settings, feedback.serializer(), preferences.serializer(), meters);
        addSinks(topology, settings, deadLetters);
        addPublishedVersions(topology, settings, modelVersions);
        return topology;
    }

    /** Generations and feedback, each through its validator: a bad event becomes a dead letter here. */
    private static void addValidatedSources(
            Topology topology,
            TopologySettings settings,
            SpecificAvroSerde<GenerationEvent> generations,
            SpecificAvroSerde<FeedbackEvent> feedback,
            EventValidator validator,
            TimestampExtractor guard) {
        topology.addSource(
                NO_RESET_OF_ITS_OWN,
                GENERATIONS_SOURCE,
                guard,
                Serdes.String().deserializer(),
                new Received.ReceivedDeserializer<>(generations.deserializer()),
                settings.topics().generations().name());
        topology.addSource(
                NO_RESET_OF_ITS_OWN,
                FEEDBACK_SOURCE,
                guard,
                Serdes.String().deserializer(),
                new Received.ReceivedDeserializer<>(feedback.deserializer()),
                settings.topics().feedback().name());
        topology.addProcessor(
                VALIDATE_GENERATION,
                () -> new ValidateProcessor<GenerationEvent>(
                        InvalidEventException.raising(validator::check), PromptEvent.Generation::new),
                GENERATIONS_SOURCE);
        topology.addProcessor(
                VALIDATE_FEEDBACK,
                () -> new ValidateProcessor<FeedbackEvent>(
                        InvalidEventException.raising(validator::check), PromptEvent.Feedback::new),
                FEEDBACK_SOURCE);
    }

    /** The aggregator and its two stores: prompt state, and the prompts already expired. */
    private static void addAggregator(
            Topology topology,
            TopologySettings settings,
            Serializer<FeedbackEvent> feedbackSerializer,
            Serializer<PreferenceSample> sampleSerializer,
            MeterRegistry meters) {
        topology.addProcessor(
                AGGREGATOR,
                () -> new PromptAggregator(settings, feedbackSerializer, sampleSerializer, meters),
                VALIDATE_GENERATION,
                VALIDATE_FEEDBACK);
        // Caching folds a prompt's many writes between two commits into one changelog record.
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(PROMPT_STATE_STORE),
                                Serdes.String(),
                                new PromptStateSerde())
                        .withCachingEnabled(),
                AGGREGATOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(EXPIRED_PROMPTS_STORE), Serdes.String(), Serdes.Long())
                        .withCachingEnabled(),
                AGGREGATOR);
    }

    private static void addSinks(Topology topology, TopologySettings settings, Serde<DeadLetter> deadLetters) {
        // The aggregator forwards each sample already encoded: it must know the size before sending.
        topology.addSink(
                PREFERENCES_SINK,
                settings.topics().preferences().name(),
                Serdes.String().serializer(),
                Serdes.ByteArray().serializer(),
                AGGREGATOR);
        topology.addSink(
                DEAD_LETTERS_SINK,
                settings.topics().deadLetters().name(),
                Serdes.String().serializer(),
                deadLetters.serializer(),
                AGGREGATOR);
    }

    /** The published target versions, a global store: every task knows the newest for the freshness checks. */
    private static void addPublishedVersions(
            Topology topology, TopologySettings settings, Serde<ModelVersion> modelVersions) {
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(PUBLISHED_VERSIONS_STORE), Serdes.String(), Serdes.Long())
                        .withLoggingDisabled(),
                MODEL_VERSIONS_SOURCE,
                Serdes.String().deserializer(),
                modelVersions.deserializer(),
                settings.topics().modelVersions().name(),
                VERSIONS_TRACKER,
                PublishedVersionsTracker::new);
    }

    private static <T extends SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type, Map<String, ?> config) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
        serde.configure(config, false);
        return serde;
    }
}
