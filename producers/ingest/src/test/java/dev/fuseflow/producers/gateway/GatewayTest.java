package dev.fuseflow.producers.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.producers.TopicReader;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway through a real HTTP client, against the real broker and registry. */
@WithEmbeddedStack
class GatewayTest {

    static final String GENERATION =
            "{\"promptId\":\"p-1\",\"prompt\":[{\"role\":\"USER\",\"content\":\"2+2?\"}],\"response\":\"4\","
                    + "\"model\":{\"name\":\"m\",\"role\":\"SOURCE\"}}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static String prefix(String bootstrap) throws Exception {
        String prefix = "gw-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
            new TopicProvisioner(admin).ensure(List.of(topics.generations(), topics.feedback()));
        }
        return prefix;
    }

    static GatewayConfig config(String bootstrap, String registry, String prefix, Duration ackTimeout) {
        return new GatewayConfig(
                "127.0.0.1",
                0,
                bootstrap,
                registry,
                4_096,
                3,
                65_536,
                ackTimeout,
                Duration.ofSeconds(7),
                Duration.ofSeconds(20),
                prefix,
                Map.of());
    }

    private HttpResponse<String> post(Gateway gateway, String path, String body, String contentType) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .header("Content-Type", contentType)
                        .header("X-Request-Id", "req-" + path.hashCode())
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(Gateway gateway, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eventsAreAcceptedOnlyOnceStoredAndBadOnesAreExplainedFieldByField(EmbeddedStack stack) throws Exception {
        String prefix = prefix(stack.bootstrapServers());
        GatewayConfig config =
                config(stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix, Duration.ofSeconds(10));
        try (Gateway gateway = Gateway.start(config)) {
            HttpResponse<String> accepted = post(gateway, "/v1/generations", GENERATION, "application/json");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(accepted.headers().firstValue("X-Request-Id")).contains("req-" + "/v1/generations".hashCode());
            JsonNode body = JSON.readTree(accepted.body());
            assertThat(body.get("accepted").asInt()).isEqualTo(1);
            String generationId = body.get("events").get(0).get("eventId").asText();
            assertThat(body.get("events").get(0).get("offset").asLong()).isNotNegative();

            HttpResponse<String> invalid = post(
                    gateway,
                    "/v1/feedback",
                    "{\"promptId\":\"p-1\",\"generationId\":\"" + generationId
                            + "\",\"signal\":{\"type\":\"rating\",\"value\":\"high\",\"scaleMin\":1,\"scaleMax\":5},"
                            + "\"giver\":{\"kind\":\"nobody\"}}",
                    "application/json");
            assertThat(invalid.statusCode()).isEqualTo(400);
            JsonNode errors = JSON.readTree(invalid.body()).get("errors");
            assertThat(errors).extracting(e -> e.get("field").asText()).containsExactly("signal.value", "giver.kind");
            assertThat(JSON.readTree(invalid.body()).get("requestId").asText())
                    .isEqualTo("req-" + "/v1/feedback".hashCode());

            String goodLine = "{\"kind\":\"feedback\",\"promptId\":\"p-1\",\"generationId\":\"" + generationId
                    + "\",\"signal\":{\"type\":\"thumbs\",\"up\":true},\"giver\":{\"kind\":\"END_USER\"}}";
            HttpResponse<String> batchWithBadLine =
                    post(gateway, "/v1/events", goodLine + "\n{\"kind\":\"vote\"}\n", "application/x-ndjson");
            assertThat(batchWithBadLine.statusCode()).isEqualTo(400);
            assertThat(batchWithBadLine.body()).contains("line 2: kind");
            HttpResponse<String> batch = post(
                    gateway,
                    "/v1/events",
                    goodLine + "\n" + goodLine.replace("true", "false") + "\n",
                    "application/x-ndjson");
            assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);
            assertThat(JSON.readTree(batch.body()).get("accepted").asInt()).isEqualTo(2);

            HttpResponse<String> tooMany =
                    post(gateway, "/v1/events", (goodLine + "\n").repeat(4), "application/x-ndjson");
            assertThat(tooMany.statusCode()).isEqualTo(413);
            HttpResponse<String> tooBig = post(
                    gateway,
                    "/v1/generations",
                    GENERATION.replace("\"4\"", "\"" + "x".repeat(5_000) + "\""),
                    "application/json");
            assertThat(tooBig.statusCode()).isEqualTo(413);
            assertThat(tooBig.headers().firstValue("X-Request-Id")).isPresent();
            assertThat(post(gateway, "/v1/generations", "{not json", "application/json")
                            .statusCode())
                    .isEqualTo(400);

            FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
            assertThat(TopicReader.readAll(
                            stack,
                            stack.bootstrapServers(),
                            topics.generations().name(),
                            1))
                    .hasSize(1);
            assertThat(TopicReader.readAll(
                            stack, stack.bootstrapServers(), topics.feedback().name(), 2))
                    .as("only the valid batch was sent")
                    .hasSize(2);

            assertThat(get(gateway, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(gateway, "/health/ready").statusCode()).isEqualTo(200);
            String metrics = get(gateway, "/metrics").body();
            assertThat(metrics).contains("fuseflow_gateway_requests_seconds_count", "fuseflow_client_sent_total");
            String spec = get(gateway, "/openapi.yaml").body();
            assertThat(spec)
                    .contains("/v1/generations:", "/v1/feedback:", "/v1/events:", "/health/ready:", "/metrics:");
        }
    }

    @Test
    void whenKafkaDoesNotAcknowledgeTheAnswerIs503WithRetryAfterTheEventArrivesLaterAndShutdownDrains(
            EmbeddedStack stack) throws Exception {
        try (ChildProcessKafkaBroker broker =
                ChildProcessKafkaBroker.start(KafkaBrokerConfig.at(dir.resolve("broker")))) {
            String prefix = prefix(broker.bootstrapServers());
            Gateway gateway = Gateway.start(
                    config(broker.bootstrapServers(), stack.schemaRegistryUrl(), prefix, Duration.ofSeconds(3)));
            try {
                assertThat(post(gateway, "/v1/generations", GENERATION, "application/json")
                                .statusCode())
                        .isEqualTo(202);
                broker.kill();
                HttpResponse<String> unavailable = post(gateway, "/v1/generations", GENERATION, "application/json");
                assertThat(unavailable.statusCode()).isEqualTo(503);
                assertThat(unavailable.headers().firstValue("Retry-After")).contains("7");
                assertThat(JSON.readTree(unavailable.body()).get("stored")).isEmpty();

                // 503 means "not known to be stored": the producer keeps the event and delivers it,
                // once, when Kafka is back.
                broker.restart();
                FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
                List<String> ids =
                        TopicReader.readAll(
                                        stack,
                                        broker.bootstrapServers(),
                                        topics.generations().name(),
                                        2)
                                .stream()
                                .map(r -> ((GenerationEvent) r.value()).getEventId())
                                .toList();
                assertThat(ids).hasSize(2).doesNotHaveDuplicates();
                assertThat(post(gateway, "/v1/generations", GENERATION, "application/json")
                                .statusCode())
                        .isEqualTo(202);
                broker.kill();

                // A request in flight when the shutdown starts still gets its answer; a new one is turned away.
                CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                    try {
                        return post(gateway, "/v1/generations", GENERATION, "application/json");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long waitStart = System.nanoTime();
                while (gateway.inFlight() == 0 && System.nanoTime() - waitStart < 5_000_000_000L) {
                    Thread.sleep(10);
                }
                CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
                Thread.sleep(300);
                HttpResponse<String> turnedAway = post(gateway, "/v1/generations", GENERATION, "application/json");
                assertThat(turnedAway.statusCode()).isEqualTo(503);
                assertThat(turnedAway.body()).contains("shutting down");
                assertThat(inFlight.get().statusCode())
                        .as("answered, not cut off")
                        .isEqualTo(503);
                closing.get();
            } finally {
                gateway.close();
            }
        }
    }
}
