package dev.fuseflow.producers.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.producers.TopicReader;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelRef;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.Rating;
import dev.fuseflow.schemas.avro.RewardScore;
import dev.fuseflow.schemas.avro.Thumbs;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The FeedbackClient against a real broker and registry. */
@WithEmbeddedStack
class FeedbackClientTest {

    @TempDir
    Path dir;

    private static FuseFlowTopics topics(String bootstrap) throws Exception {
        String prefix = "fc-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(name -> prefix + name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin).ensure(List.of(topics.generations(), topics.feedback()));
        }
        return topics;
    }

    private static FeedbackClientBuilder client(EmbeddedStack stack, String bootstrap, FuseFlowTopics topics) {
        return FeedbackClient.builder()
                .bootstrapServers(bootstrap)
                .schemaRegistryUrl(stack.schemaRegistryUrl())
                .clientId("test-app")
                .topics(topics);
    }

    @Test
    void generationsAndEveryKindOfFeedbackArriveKeyedByPromptWithMetrics(EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = topics(stack.bootstrapServers());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        GenerationEvent source = FeedbackClient.generation(
                "p-1",
                List.of(FeedbackClient.system("Be brief."), FeedbackClient.user("What is 2+2?")),
                "4",
                FeedbackClient.source("big-model"));
        GenerationEvent target = FeedbackClient.generation(
                "p-1", List.of(FeedbackClient.user("What is 2+2?")), "5", FeedbackClient.target("small-model", 3));
        try (FeedbackClient client = client(stack, stack.bootstrapServers(), topics)
                .meterRegistry(meters)
                .build()) {
            List<CompletableFuture<RecordMetadata>> sent = List.of(
                    client.send(source),
                    client.send(target),
                    client.rating("p-1", source.getEventId(), 4.5, 1, 5, FeedbackClient.endUser("u-1")),
                    client.thumbs("p-1", target.getEventId(), false, FeedbackClient.endUser(null)),
                    client.pairwise("p-1", source.getEventId(), target.getEventId(), FeedbackClient.annotator("a-7")),
                    client.rewardScore("p-1", source.getEventId(), 0.8, "armo-rm@1"));
            for (CompletableFuture<RecordMetadata> future : sent) {
                assertThat(future.get(30, TimeUnit.SECONDS).offset()).isNotNegative();
            }
            assertThat(meters.get("fuseflow.client.sent")
                            .tag("topic", topics.generations().name())
                            .counter()
                            .count())
                    .isEqualTo(2);
            assertThat(meters.get("fuseflow.client.sent")
                            .tag("topic", topics.feedback().name())
                            .counter()
                            .count())
                    .isEqualTo(4);
            assertThat(meters.get("fuseflow.client.bytes")
                            .tag("topic", topics.feedback().name())
                            .summary()
                            .count())
                    .isEqualTo(4);
            assertThat(meters.get("fuseflow.client.latency")
                            .tag("client", "test-app")
                            .timers())
                    .hasSize(2);
        }
        assertThat(meters.getMeters()).as("a closed client removes its meters").isEmpty();

        List<ConsumerRecord<String, SpecificRecord>> generations = TopicReader.readAll(
                stack, stack.bootstrapServers(), topics.generations().name(), 2);
        assertThat(generations).extracting(ConsumerRecord::key).containsOnly("p-1");
        assertThat(generations).extracting(ConsumerRecord::value).containsExactly(source, target);
        List<ConsumerRecord<String, SpecificRecord>> feedback = TopicReader.readAll(
                stack, stack.bootstrapServers(), topics.feedback().name(), 4);
        assertThat(feedback)
                .extracting(
                        r -> ((FeedbackEvent) r.value()).getSignal().getClass().getSimpleName())
                .containsExactly(
                        Rating.class.getSimpleName(),
                        Thumbs.class.getSimpleName(),
                        PairwiseChoice.class.getSimpleName(),
                        RewardScore.class.getSimpleName());
        assertThat(feedback).extracting(ConsumerRecord::key).containsOnly("p-1");
    }

    static Stream<Arguments> invalidEvents() {
        GenerationEvent good =
                FeedbackClient.generation("p", List.of(FeedbackClient.user("hi")), "hello", FeedbackClient.source("m"));
        return Stream.of(
                Arguments.of(
                        "blank event id",
                        (Consumer<FeedbackClient>) c -> c.send(copy(good, g -> g.setEventId(" "))),
                        "eventId is blank"),
                Arguments.of(
                        "blank prompt id",
                        (Consumer<FeedbackClient>) c -> c.send(copy(good, g -> g.setPromptId(""))),
                        "promptId is blank"),
                Arguments.of(
                        "empty prompt",
                        (Consumer<FeedbackClient>) c -> c.send(copy(good, g -> g.setPrompt(List.of()))),
                        "prompt is empty"),
                Arguments.of(
                        "unknown role",
                        (Consumer<FeedbackClient>) c ->
                                c.send(copy(good, g -> g.setPrompt(List.of(new ChatMessage(ChatRole.UNKNOWN, "x"))))),
                        "prompt[0].role is UNKNOWN"),
                Arguments.of(
                        "empty response",
                        (Consumer<FeedbackClient>) c -> c.send(copy(good, g -> g.setResponse(""))),
                        "response is blank"),
                Arguments.of(
                        "target without version",
                        (Consumer<FeedbackClient>) c ->
                                c.send(copy(good, g -> g.getModel().setRole(ModelRole.TARGET))),
                        "model.targetVersion is required when model.role is TARGET"),
                Arguments.of(
                        "text above the limit",
                        (Consumer<FeedbackClient>) c -> c.send(copy(good, g -> g.setResponse("x".repeat(300)))),
                        "response has 300 bytes, above the limit of 256"),
                Arguments.of(
                        "rating outside its scale",
                        (Consumer<FeedbackClient>) c -> c.rating("p", "g", 6, 1, 5, FeedbackClient.endUser("u")),
                        "signal.value 6.0 lies outside the rating scale [1.0, 5.0]"),
                Arguments.of(
                        "non-finite score",
                        (Consumer<FeedbackClient>) c -> c.rewardScore("p", "g", Double.NaN, "rm"),
                        "signal.score is NaN; it must be a finite number"),
                Arguments.of(
                        "blank scorer",
                        (Consumer<FeedbackClient>) c -> c.rewardScore("p", "g", 1.0, " "),
                        "signal.scorer is blank"),
                Arguments.of(
                        "pairwise with one response",
                        (Consumer<FeedbackClient>) c -> c.pairwise("p", "g", "g", FeedbackClient.endUser("u")),
                        "a choice needs two responses"),
                Arguments.of(
                        "blank generation id",
                        (Consumer<FeedbackClient>) c -> c.thumbs("p", "", true, FeedbackClient.endUser("u")),
                        "generationId is blank"),
                Arguments.of(
                        "missing event",
                        (Consumer<FeedbackClient>) c -> c.send((GenerationEvent) null),
                        "generation is missing (null)"));
    }

    private static GenerationEvent copy(GenerationEvent event, Consumer<GenerationEvent> change) {
        GenerationEvent copy = GenerationEvent.newBuilder(event)
                .setModel(ModelRef.newBuilder(event.getModel()).build())
                .build();
        change.accept(copy);
        return copy;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void invalidEventsAreRefusedBeforeSendingWithTheFieldNamed(
            String name, Consumer<FeedbackClient> send, String message, EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = topics(stack.bootstrapServers());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FeedbackClient client = client(stack, stack.bootstrapServers(), topics)
                .maxTextBytes(256)
                .meterRegistry(meters)
                .build()) {
            assertThatThrownBy(() -> send.accept(client))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message);
            assertThat(meters.getMeters())
                    .as("nothing was sent or failed (the producer's own kafka.producer.* meters aside)")
                    .filteredOn(meter -> meter.getId().getName().startsWith("fuseflow.client."))
                    .isEmpty();
        }
    }

    @Test
    void aBrokerOutageDelaysEventsWithoutBlockingAndTheyArriveOnceWhenItReturns(EmbeddedStack stack) throws Exception {
        try (ChildProcessKafkaBroker broker =
                ChildProcessKafkaBroker.start(KafkaBrokerConfig.at(dir.resolve("broker")))) {
            FuseFlowTopics topics = topics(broker.bootstrapServers());
            Set<String> ids = new HashSet<>();
            try (FeedbackClient client = client(stack, broker.bootstrapServers(), topics)
                    .maxBlock(Duration.ofSeconds(2))
                    .deliveryTimeout(Duration.ofMinutes(2))
                    .build()) {
                for (int i = 0; i < 20; i++) {
                    GenerationEvent event = FeedbackClient.generation(
                            "p-" + i, List.of(FeedbackClient.user("q" + i)), "a", FeedbackClient.source("m"));
                    ids.add(event.getEventId());
                    client.send(event).get(30, TimeUnit.SECONDS);
                }
                broker.kill();
                List<CompletableFuture<RecordMetadata>> pending = new ArrayList<>();
                long started = System.nanoTime();
                for (int i = 20; i < 40; i++) {
                    GenerationEvent event = FeedbackClient.generation(
                            "p-" + i, List.of(FeedbackClient.user("q" + i)), "a", FeedbackClient.source("m"));
                    ids.add(event.getEventId());
                    pending.add(client.send(event));
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .as("sends while the broker is down do not block")
                        .isLessThan(Duration.ofSeconds(2));
                Thread.sleep(1_000);
                assertThat(pending).noneMatch(CompletableFuture::isDone);
                broker.restart();
                for (CompletableFuture<RecordMetadata> future : pending) {
                    assertThat(future.get(90, TimeUnit.SECONDS).offset()).isNotNegative();
                }
            }
            List<ConsumerRecord<String, SpecificRecord>> stored = TopicReader.readAll(
                    stack, broker.bootstrapServers(), topics.generations().name(), 40);
            List<String> storedIds = stored.stream()
                    .map(r -> ((GenerationEvent) r.value()).getEventId())
                    .toList();
            assertThat(storedIds)
                    .as("every event once: none lost, none duplicated by the retries")
                    .hasSize(40)
                    .containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void withNoBrokerASendFailsWithinTheBlockingBound(EmbeddedStack stack) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FeedbackClient client = FeedbackClient.builder()
                .bootstrapServers("127.0.0.1:1")
                .schemaRegistryUrl(stack.schemaRegistryUrl())
                .maxBlock(Duration.ofMillis(800))
                .closeTimeout(Duration.ZERO)
                .meterRegistry(meters)
                .build()) {
            long started = System.nanoTime();
            CompletableFuture<RecordMetadata> future = client.send(
                    FeedbackClient.generation("p", List.of(FeedbackClient.user("q")), "a", FeedbackClient.source("m")));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            assertThat(meters.get("fuseflow.client.failed")
                            .tag("exception", "TimeoutException")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void anEventAboveTheTopicsSizeLimitFailsItsFutureAndIsCounted(EmbeddedStack stack) throws Exception {
        String prefix = "fc-big-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(name -> prefix + name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.generations().name(), 1, (short) 1)
                            .configs(Map.of("max.message.bytes", "20000"))))
                    .all()
                    .get();
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (FeedbackClient client = client(stack, stack.bootstrapServers(), topics)
                .maxTextBytes(1_000_000)
                .meterRegistry(meters)
                .build()) {
            // Random text, so that compression cannot shrink it under the topic's limit.
            StringBuilder text = new StringBuilder();
            Random random = new Random(1);
            for (int i = 0; i < 60_000; i++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            CompletableFuture<RecordMetadata> future = client.send(FeedbackClient.generation(
                    "p", List.of(FeedbackClient.user("q")), text.toString(), FeedbackClient.source("m")));
            assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            assertThat(meters.get("fuseflow.client.failed")
                            .tag("exception", "RecordTooLargeException")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void builderNamesWhatIsMissing() {
        assertThatThrownBy(() ->
                        FeedbackClient.builder().schemaRegistryUrl("http://r").build())
                .hasMessageContaining("bootstrapServers is required");
        assertThatThrownBy(() ->
                        FeedbackClient.builder().bootstrapServers("k:9092").build())
                .hasMessageContaining("schemaRegistryUrl is required");
        assertThatThrownBy(() -> FeedbackClient.builder()
                        .bootstrapServers("k:9092")
                        .schemaRegistryUrl("http://r")
                        .maxBlock(Duration.ZERO)
                        .build())
                .hasMessageContaining("maxBlock must be a positive duration");
        Map<String, Object> config = FeedbackClient.builder()
                .bootstrapServers("k:9092")
                .schemaRegistryUrl("http://r")
                .saslScram("SASL_SSL", "SCRAM-SHA-512", "app", "secret")
                .tlsTruststore("/tls/trust.p12", "pw", "PKCS12")
                .registryBasicAuth("app", "secret")
                .producerConfig();
        assertThat(config)
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("compression.type", "zstd")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/tls/trust.p12")
                .containsEntry("basic.auth.user.info", "app:secret");
        assertThat((String) config.get("sasl.jaas.config")).contains("ScramLoginModule required username=\"app\"");
    }
}
