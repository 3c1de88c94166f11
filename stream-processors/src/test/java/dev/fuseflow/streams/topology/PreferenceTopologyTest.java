package dev.fuseflow.streams.topology;

import static dev.fuseflow.streams.Events.pairwise;
import static dev.fuseflow.streams.Events.reward;
import static dev.fuseflow.streams.Events.source;
import static dev.fuseflow.streams.Events.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.avro.ArtifactKind;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.registry.InMemorySchemaRegistryClient;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.serde.SpecificAvroSerde;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.streams.Events;
import dev.fuseflow.streams.app.StreamsProperties;
import dev.fuseflow.streams.pairing.EmissionPolicy;
import dev.fuseflow.streams.pairing.WeightPolicy;
import dev.fuseflow.streams.scoring.ScoringPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole topology on Kafka's TopologyTestDriver, fixed timestamps, exact outputs. */
class PreferenceTopologyTest {

    private static final String SCOPE = "preference-topology-test";
    private static final Map<String, Object> SERDE = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final FuseFlowTopics TOPICS = FuseFlowTopics.defaults();
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    /** The wall clock of the guard against future timestamps: later than any record time the tests use but one. */
    private static final Instant NOW = T0.plus(Duration.ofHours(3));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, SpecificRecord> generations;
    private TestInputTopic<String, SpecificRecord> feedback;
    private TestInputTopic<String, SpecificRecord> modelVersions;
    private TestOutputTopic<String, PreferenceSample> preferences;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void start() {
        TopologySettings settings = new TopologySettings(
                TOPICS,
                ScoringPolicy.DEFAULT,
                WeightPolicy.DEFAULT,
                EmissionPolicy.DEFAULT,
                1000,
                Duration.ofMinutes(10),
                Duration.ofHours(1),
                Duration.ofDays(1),
                Duration.ofSeconds(5),
                20,
                2_000,
                Duration.ofMinutes(5));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.putAll(SERDE);
        props.putAll(StreamsProperties.errorHandling(TOPICS.deadLetters().name(), meters));
        driver = new TopologyTestDriver(
                PreferenceTopology.build(settings, SERDE, meters, Clock.fixed(NOW, ZoneOffset.UTC)), props, T0);
        KafkaAvroSerializer<SpecificRecord> serializer = new KafkaAvroSerializer<>();
        serializer.configure(SERDE, false);
        generations = driver.createInputTopic(
                TOPICS.generations().name(), new StringSerializer(), serializer, T0, Duration.ofSeconds(1));
        feedback = driver.createInputTopic(
                TOPICS.feedback().name(), new StringSerializer(), serializer, T0, Duration.ofSeconds(1));
        modelVersions = driver.createInputTopic(TOPICS.modelVersions().name(), new StringSerializer(), serializer);
        preferences = driver.createOutputTopic(
                TOPICS.preferences().name(),
                Serdes.String().deserializer(),
                serde(PreferenceSample.class).deserializer());
        deadLetters = driver.createOutputTopic(
                TOPICS.deadLetters().name(),
                Serdes.String().deserializer(),
                serde(DeadLetter.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        InMemorySchemaRegistryClient.dropScope(SCOPE);
    }

    private static <T extends SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
        serde.configure(SERDE, false);
        return serde;
    }

    private void send(SpecificRecord event) {
        if (event instanceof GenerationEvent g) {
            generations.pipeInput(g.getPromptId(), g);
        } else {
            feedback.pipeInput(((FeedbackEvent) event).getPromptId(), event);
        }
    }

    private static List<SpecificRecord> onePrompt(String p) {
        return List.of(
                source(p, p + "-s", "big"),
                target(p, p + "-t1", 3),
                target(p, p + "-t2", 3),
                reward(p, p + "-f1", p + "-s", 0.9),
                reward(p, p + "-f2", p + "-t1", 0.5),
                reward(p, p + "-f3", p + "-t2", -0.5));
    }

    @Test
    void emitsOneSampleOnceTheConditionHolds() {
        List<SpecificRecord> events = onePrompt("p1");
        events.subList(0, 5).forEach(this::send);
        assertThat(preferences.isEmpty()).isTrue();

        send(events.get(5));

        var out = preferences.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo("p1");
        PreferenceSample sample = out.get(0).value;
        assertThat(sample.getSourceChosen().getGenerationId()).isEqualTo("p1-s");
        assertThat(sample.getTargetChosen().getGenerationId()).isEqualTo("p1-t1");
        assertThat(sample.getTargetRejected().getGenerationId()).isEqualTo("p1-t2");
        assertThat(sample.getEvidence().getFeedbackEventIds()).containsExactly("p1-f1", "p1-f2", "p1-f3");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void feedbackBeforeItsGenerationGivesTheSameSample() {
        List<SpecificRecord> events = onePrompt("p2");
        events.forEach(this::send);
        PreferenceSample inOrder = preferences.readValue();
        driver.close();
        InMemorySchemaRegistryClient.dropScope(SCOPE);
        start();

        List.of(events.get(3), events.get(4), events.get(5), events.get(2), events.get(1), events.get(0))
                .forEach(this::send);

        assertThat(preferences.readValuesToList()).containsExactly(inOrder);
    }

    @Test
    void duplicatesChangeNothingAndNewEvidenceReEmits() {
        onePrompt("p3").forEach(this::send);
        onePrompt("p3").forEach(this::send);
        assertThat(preferences.readValuesToList()).hasSize(1);

        send(reward("p3", "p3-f4", "p3-t2", -0.9));

        List<PreferenceSample> again = preferences.readValuesToList();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).getEvidence().getFeedbackEventIds()).contains("p3-f4");
    }

    @Test
    void everyInvalidKindIsDeadLetteredWithItsReasonAndOriginalBytes() {
        GenerationEvent blankId = source("p", " ", "m");
        GenerationEvent targetWithoutVersion = target("p", "g2", 1);
        targetWithoutVersion.getModel().setTargetVersion(null);
        FeedbackEvent outOfRange = Events.rating("p", "f1", "g", 9, 1, 5);
        FeedbackEvent notFinite = reward("p", "f2", "g", Double.NaN);
        GenerationEvent tooLong = source("p", "g3", "m");
        tooLong.setResponse("x".repeat(1001));
        generations.pipeInput("p", blankId);
        generations.pipeInput("p", targetWithoutVersion);
        generations.pipeInput("p", tooLong);
        generations.pipeInput("other-key", source("p", "g4", "m"));
        feedback.pipeInput("p", outOfRange);
        feedback.pipeInput("p", notFinite);
        feedback.pipeInput("p", null);

        List<DeadLetter> letters = deadLetters.readValuesToList();

        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .containsExactly(
                        DeadLetterReason.BLANK_FIELD,
                        DeadLetterReason.MISSING_FIELD,
                        DeadLetterReason.TOO_LARGE,
                        DeadLetterReason.INVALID_VALUE,
                        DeadLetterReason.OUT_OF_RANGE,
                        DeadLetterReason.NON_FINITE_NUMBER,
                        DeadLetterReason.MISSING_FIELD);
        assertThat(letters.get(0).getMessage()).isEqualTo("eventId is blank");
        assertThat(letters.get(1).getMessage()).contains("model.targetVersion is required when model.role is TARGET");
        assertThat(letters.get(4).getMessage()).isEqualTo("signal.value 9.0 lies outside the rating scale [1.0, 5.0]");
        assertThat(letters.get(0).getSourceTopic())
                .isEqualTo(TOPICS.generations().name());
        assertThat(letters.get(0).getSourceOffset()).isZero();
        assertThat(letters.get(4).getSourceTopic()).isEqualTo(TOPICS.feedback().name());
        assertThat(letters.get(0).getStage()).isEqualTo("stream-processors/" + PreferenceTopology.VALIDATE_GENERATION);
        assertThat(letters.get(0).getOriginalValue()).isNotNull();
        assertThat(letters.get(0).getOriginalKey()).isEqualTo(ByteBuffer.wrap("p".getBytes(StandardCharsets.UTF_8)));
        assertThat(letters.get(6).getOriginalValue()).isNull();
        assertThat(preferences.isEmpty()).isTrue();
    }

    @Test
    void undeserializableBytesAreDeadLetteredAndProcessingGoesOn() {
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(
                TOPICS.generations().name(),
                new StringSerializer(),
                new ByteArraySerializer(),
                T0,
                Duration.ofSeconds(1));
        byte[] junk = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
        raw.pipeInput("p9", junk);
        onePrompt("p9").forEach(this::send);

        // TopologyTestDriver calls the handler but does not capture the dead letters it returns for a
        // deserialization failure; the real-broker test reads them from the topic.
        assertThat(meters.counter(
                                "fuseflow_dlq_records",
                                "stage",
                                "stream-processors/deserialize",
                                "reason",
                                DeadLetterReason.DESERIALIZATION_FAILED.name())
                        .count())
                .isEqualTo(1.0);
        assertThat(preferences.readValuesToList()).hasSize(1);
    }

    @Test
    void aRecordFromAClockFarAheadIsDeadLetteredWithoutMovingStreamTime() {
        feedback.pipeInput("p20", pairwise("p20", "f20", "p20-a", "p20-b"), NOW);
        generations.pipeInput("p20", source("p20", "p20-a", "m"), NOW.plusSeconds(1));
        generations.pipeInput("ahead", source("ahead", "ahead-a", "m"), NOW.plus(Duration.ofMinutes(50)));
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        generations.pipeInput("p20", source("p20", "p20-b", "m"), NOW.plusSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(6));

        assertThat(deadLetters.readValuesToList())
                .as("p20's feedback still waits within its window: stream time did not jump 50 minutes")
                .singleElement()
                .satisfies(letter -> {
                    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.FUTURE_TIMESTAMP);
                    assertThat(letter.getMessage()).contains("PT50M ahead of the wall clock", "PT5M");
                    assertThat(letter.getSourceTopic())
                            .isEqualTo(TOPICS.generations().name());
                });
    }

    @Test
    void aCreatedAtFarAheadOfTheWallClockIsDeadLettered() {
        GenerationEvent ahead = source("p21", "p21-a", "m");
        ahead.setCreatedAt(NOW.plus(Duration.ofHours(1)));
        generations.pipeInput("p21", ahead, NOW);
        assertThat(deadLetters.readValue()).satisfies(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.FUTURE_TIMESTAMP);
            assertThat(letter.getMessage())
                    .startsWith("createdAt " + NOW.plus(Duration.ofHours(1)) + " is more than PT5M ahead");
        });
    }

    @Test
    void feedbackOnAResponseThatNeverArrivesIsDeadLetteredAfterTheWindow() {
        feedback.pipeInput("p5", pairwise("p5", "f1", "p5-a", "p5-b"), T0);
        generations.pipeInput("p5", source("p5", "p5-a", "m"), T0.plusSeconds(1));
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        assertThat(deadLetters.isEmpty()).isTrue();

        generations.pipeInput("p5", source("p5", "p5-c", "m"), T0.plus(Duration.ofMinutes(11)));
        driver.advanceWallClockTime(Duration.ofSeconds(6));

        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNKNOWN_REFERENCE);
        assertThat(letter.getMessage()).contains("'p5-a' and 'p5-b'").contains("did not arrive within PT10M");
        assertThat(letter.getSourceOffset()).isZero();
        assertThat(letter.getSourceTopic()).isEqualTo(TOPICS.feedback().name());
    }

    @Test
    void theAggregatorsOwnDeadLetterCarriesTheFeedbackItsSourceAndTheNode() {
        FeedbackEvent orphan = pairwise("p14", "f1", "p14-a", "p14-b");
        feedback.pipeInput("p14", orphan, T0);
        generations.pipeInput("p14", source("p14", "p14-c", "m"), T0.plus(Duration.ofMinutes(11)));
        driver.advanceWallClockTime(Duration.ofSeconds(6));

        DeadLetter letter = deadLetters.readValue();
        ByteBuffer value = letter.getOriginalValue().duplicate();
        byte[] original = new byte[value.remaining()];
        value.get(original);
        assertThat(serde(FeedbackEvent.class)
                        .deserializer()
                        .deserialize(TOPICS.feedback().name(), original))
                .isEqualTo(orphan);
        assertThat(letter.getOriginalKey()).isEqualTo(ByteBuffer.wrap("p14".getBytes(StandardCharsets.UTF_8)));
        assertThat(letter.getOriginalHeaders()).isEmpty();
        assertThat(letter.getSourcePartition()).isZero();
        assertThat(letter.getSourceTimestamp()).isEqualTo(T0);
        assertThat(letter.getStage()).isEqualTo("stream-processors/" + PreferenceTopology.AGGREGATOR);
        assertThat(letter.getProcessorNode()).isEqualTo(PreferenceTopology.AGGREGATOR);
        assertThat(letter.getTaskId()).isEqualTo("0_0");
        assertThat(letter.getExceptionClass()).isNull();
        assertThat(letter.getFailedAt()).isEqualTo(T0.plus(Duration.ofMinutes(11)));
        assertThat(meters.counter(
                                "fuseflow_dlq_records",
                                "stage",
                                "stream-processors/" + PreferenceTopology.AGGREGATOR,
                                "reason",
                                DeadLetterReason.UNKNOWN_REFERENCE.name())
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void promptsExpireAfterInactivityAndLaterEventsAreLate() {
        onePrompt("p6").forEach(this::send);
        preferences.readValuesToList();
        generations.pipeInput("other", source("other", "o1", "m"), T0.plus(Duration.ofHours(2)));
        driver.advanceWallClockTime(Duration.ofSeconds(6));

        feedback.pipeInput("p6", reward("p6", "late-1", "p6-t1", 1.0), T0.plus(Duration.ofHours(2)));

        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.LATE);
        assertThat(letter.getMessage()).contains("prompt 'p6' was forgotten");
        assertThat(meters.counter("fuseflow_late_events", "kind", "feedback").count())
                .isEqualTo(1.0);
        assertThat(preferences.isEmpty()).isTrue();
    }

    @Test
    void lateIsDecidedOnStreamTimeEvenBeforeTheSweepRuns() {
        send(reward("p10", "p10-f0", "p10-missing", 0.1));
        generations.pipeInput("p10", source("p10", "p10-s", "m"), T0);

        feedback.pipeInput("p10", reward("p10", "p10-late", "p10-s", 1.0), T0.plus(Duration.ofHours(2)));

        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .containsExactly(DeadLetterReason.UNKNOWN_REFERENCE, DeadLetterReason.LATE);
    }

    @Test
    void aPromptHoldsAtMostTheEventLimit() {
        for (int i = 0; i < 25; i++) {
            send(reward("p11", "p11-f" + i, "p11-g", 0.1));
        }
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertThat(letters).hasSize(5).allSatisfy(l -> {
            assertThat(l.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
            assertThat(l.getMessage()).contains("already holds 20 events");
        });
    }

    @Test
    void aSampleTooLargeToSendIsDeadLetteredInsteadAndTheRestFlows() {
        List<SpecificRecord> big = onePrompt("p12");
        ((GenerationEvent) big.get(1)).setResponse("x".repeat(900));
        ((GenerationEvent) big.get(2)).setResponse("y".repeat(900));
        big.forEach(this::send);
        onePrompt("p13").forEach(this::send);

        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(letter.getMessage())
                .contains("of prompt 'p12'")
                .contains("above fuseflow.limits.max-output-bytes 2000");
        assertThat(letter.getSourceTopic()).isEqualTo(TOPICS.feedback().name());
        assertThat(preferences.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p13");
    }

    @Test
    void targetResponsesOfStaleVersionsAreExcluded() {
        modelVersions.pipeInput(
                "target",
                ModelVersion.newBuilder()
                        .setArtifactKind(ArtifactKind.FULL_MODEL)
                        .setModelName("target")
                        .setVersion(9L)
                        .setArtifactUri("file:///m/9")
                        .setArtifactSha256("00")
                        .setTrainerStep(1L)
                        .setSamplesTrained(1L)
                        .setStatus(ModelVersionStatus.PUBLISHED)
                        .setCreatedAt(T0)
                        .build());

        onePrompt("p7").forEach(this::send);

        assertThat(preferences.isEmpty()).isTrue();
        send(target("p7", "p7-t8a", 8));
        send(target("p7", "p7-t8b", 8));
        send(reward("p7", "p7-f8a", "p7-t8a", 0.7));
        send(reward("p7", "p7-f8b", "p7-t8b", -0.7));
        PreferenceSample sample = preferences.readValue();
        assertThat(sample.getTargetChosen().getTargetVersion()).isEqualTo(8L);
        assertThat(sample.getTargetRejected().getTargetVersion()).isEqualTo(8L);
    }

    @Test
    void metricsCountInputsAndSamples() {
        onePrompt("p8").forEach(this::send);
        assertThat(meters.counter("fuseflow_input_events", "kind", "generation").count())
                .isEqualTo(3.0);
        assertThat(meters.counter("fuseflow_input_events", "kind", "feedback").count())
                .isEqualTo(3.0);
        assertThat(meters.counter("fuseflow_samples_emitted").count()).isEqualTo(1.0);
        assertThat(meters.timer("fuseflow_event_to_sample_latency").count()).isEqualTo(1);
        // RocksDB's key estimate counts writes still in the memtable, so it is a bound, not a count.
        double entries = meters.find("fuseflow_prompt_state_entries").gauges().stream()
                .mapToDouble(g -> g.value())
                .sum();
        assertThat(entries).isBetween(1.0, 6.0);
    }
}
