package dev.fuseflow.producers.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.producers.TopicReader;
import dev.fuseflow.producers.gateway.access.AccessConfig;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.assertj.core.api.SoftAssertions;
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
                Map.of(),
                AccessConfig.local());
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

    private HttpResponse<String> post(Gateway gateway, String path, String contentType, byte[] body, String requestId)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
            assertThat(metrics)
                    .contains(
                            "fuseflow_gateway_requests_seconds_count",
                            "fuseflow_client_sent_total",
                            "service=\"gateway\"",
                            "fuseflow_build_info{",
                            "jvm_memory_used_bytes{area=\"heap\"",
                            "jvm_gc_memory_allocated_bytes_total",
                            "kafka_producer_record_send_total{client_id=\"fuseflow-gateway\"");
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

    /** A request the gateway must refuse, and the status, field and problem of its answer. */
    record Refusal(
            String name, String path, String contentType, byte[] body, int status, String field, String problem) {

        static Refusal of(
                String name, String path, String contentType, String body, int status, String field, String problem) {
            return new Refusal(name, path, contentType, body.getBytes(StandardCharsets.UTF_8), status, field, problem);
        }
    }

    static List<Refusal> refusals() {
        String line = "{\"kind\":\"generation\"," + GENERATION.substring(1);
        String target =
                GENERATION.replace("\"role\":\"SOURCE\"", "\"role\":\"TARGET\",\"targetVersion\":18446744073709551616");
        int four = GENERATION.indexOf("\"4\"") + 2;
        byte[] notUtf8 = GENERATION.replace("\"4\"", "\"4?\"").getBytes(StandardCharsets.UTF_8);
        notUtf8[four] = (byte) 0xFF;
        String json = "application/json";
        return List.of(
                Refusal.of(
                        "trailing text",
                        "/v1/generations",
                        json,
                        GENERATION + " and more",
                        400,
                        "body",
                        "Unrecognized token 'and'"),
                Refusal.of(
                        "two documents",
                        "/v1/generations",
                        json,
                        GENERATION + GENERATION,
                        400,
                        "body",
                        "has more after its JSON document ends (line 1, column"),
                Refusal.of(
                        "two objects on one line",
                        "/v1/events",
                        "application/x-ndjson",
                        line + " " + line + "\n",
                        400,
                        "line 1: body",
                        "has more after its JSON document ends"),
                Refusal.of(
                        "CR-only separators",
                        "/v1/events",
                        "application/x-ndjson",
                        line + "\r" + line + "\r",
                        400,
                        "line 1: body",
                        "has a lone CR at column " + (line.length() + 1)),
                Refusal.of(
                        "targetVersion 2^64",
                        "/v1/generations",
                        json,
                        target,
                        400,
                        "model.targetVersion",
                        "is 18446744073709551616, above the largest integer"),
                new Refusal(
                        "invalid UTF-8",
                        "/v1/generations",
                        json,
                        notUtf8,
                        400,
                        "body",
                        "is not UTF-8: byte 0xFF at offset " + four),
                Refusal.of(
                        "duplicate key",
                        "/v1/generations",
                        json,
                        GENERATION.replace("{\"promptId\":\"p-1\",", "{\"promptId\":\"p-1\",\"promptId\":\"p-2\","),
                        400,
                        "body",
                        "Duplicate field 'promptId'"),
                Refusal.of(
                        "text/plain",
                        "/v1/generations",
                        "text/plain",
                        GENERATION,
                        415,
                        "Content-Type",
                        "must be application/json, was text/plain"),
                Refusal.of(
                        "a form",
                        "/v1/feedback",
                        "application/x-www-form-urlencoded",
                        GENERATION,
                        415,
                        "Content-Type",
                        "must be application/json, was application/x-www-form-urlencoded"),
                Refusal.of(
                        "an image",
                        "/v1/events",
                        "image/png",
                        line,
                        415,
                        "Content-Type",
                        "must be application/x-ndjson, was image/png"),
                Refusal.of(
                        "UTF-16",
                        "/v1/generations",
                        json + "; charset=UTF-16",
                        GENERATION,
                        415,
                        "Content-Type",
                        "must have charset UTF-8 (or none), was charset utf-16"),
                Refusal.of(
                        "no content type",
                        "/v1/generations",
                        null,
                        GENERATION,
                        415,
                        "Content-Type",
                        "is missing; it must be application/json"),
                Refusal.of(
                        "oversized id",
                        "/v1/generations",
                        json,
                        GENERATION.replace("\"p-1\"", "\"" + "p".repeat(3_000) + "\""),
                        400,
                        "promptId",
                        "has 3000 bytes, above the limit of 256 for ids and names"));
    }

    @Test
    void everyRequestThatWouldBeDroppedOrAlteredIsRefusedNamingTheFieldAndNothingIsSent(EmbeddedStack stack)
            throws Exception {
        String prefix = prefix(stack.bootstrapServers());
        GatewayConfig config =
                config(stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix, Duration.ofSeconds(10));
        try (Gateway gateway = Gateway.start(config)) {
            SoftAssertions softly = new SoftAssertions();
            for (Refusal refusal : refusals()) {
                HttpResponse<String> answer =
                        post(gateway, refusal.path(), refusal.contentType(), refusal.body(), "req-1");
                softly.assertThat(answer.statusCode())
                        .as(refusal.name() + ": " + answer.body())
                        .isEqualTo(refusal.status());
                JsonNode errors = JSON.readTree(answer.body()).path("errors");
                softly.assertThat(errors.path(0).path("field").asText())
                        .as(refusal.name())
                        .isEqualTo(refusal.field());
                softly.assertThat(errors.path(0).path("problem").asText())
                        .as(refusal.name())
                        .contains(refusal.problem());
            }
            softly.assertAll();

            HttpResponse<String> longId = post(
                    gateway,
                    "/v1/generations",
                    "application/json",
                    GENERATION.getBytes(StandardCharsets.UTF_8),
                    "r".repeat(129));
            assertThat(longId.statusCode()).isEqualTo(400);
            assertThat(longId.body()).contains("X-Request-Id", "has 129 characters, above the limit of 128");
            assertThat(longId.headers().firstValue("X-Request-Id").orElseThrow())
                    .hasSize(36);
            HttpResponse<String> markup = post(
                    gateway,
                    "/v1/generations",
                    "application/json",
                    GENERATION.getBytes(StandardCharsets.UTF_8),
                    "<script>alert(1)</script>");
            assertThat(markup.statusCode()).isEqualTo(400);
            assertThat(markup.headers().firstValue("X-Request-Id").orElseThrow())
                    .doesNotContain("<");
            assertThat(markup.body()).doesNotContain("<script>");

            FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
            post(gateway, "/v1/generations", GENERATION, "application/json");
            assertThat(TopicReader.readAll(
                            stack,
                            stack.bootstrapServers(),
                            topics.generations().name(),
                            1))
                    .as("only the last, valid request was sent")
                    .hasSize(1);
        }
    }

    @Test
    void aChunkedBodyIsRefusedOnceItPassesTheLimitWhileItStreamsIn(EmbeddedStack stack) throws Exception {
        String prefix = prefix(stack.bootstrapServers());
        GatewayConfig config =
                config(stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix, Duration.ofSeconds(10));
        try (Gateway gateway = Gateway.start(config)) {
            Chunked tooLarge =
                    postChunked(gateway.port(), "/v1/events", "{\"kind\":\"generation\",\"response\":\"", 64L << 20);
            assertThat(tooLarge.status()).as(tooLarge.body()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("\"field\":\"body\"", "above the limit of 4096");
            assertThat(tooLarge.answeredMidBody())
                    .as("answered while the body streams in, not after reading it all")
                    .isTrue();
            Chunked small = postChunked(gateway.port(), "/v1/generations", GENERATION, GENERATION.length());
            assertThat(small.status()).as(small.body()).isEqualTo(202);
        }
    }

    /** A chunked request's answer, and whether it came while the sender paused part way through the body. */
    record Chunked(int status, String body, boolean answeredMidBody) {}

    /** Bytes sent before the sender pauses for the answer: well past the tests' 4 KiB limit. */
    private static final int PAUSE_AFTER = 65_536;

    /**
     * POSTs {@code start} then 'x' up to {@code total} bytes as a chunked body (no Content-Length)
     * from another thread, which pauses (up to 10 s) after {@link #PAUSE_AFTER} bytes for the answer.
     */
    private static Chunked postChunked(int port, String path, String start, long total) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            String contentType = path.equals("/v1/events") ? "application/x-ndjson" : "application/json";
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                            + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            CountDownLatch answered = new CountDownLatch(1);
            CompletableFuture<Boolean> sending =
                    CompletableFuture.supplyAsync(() -> sendChunks(out, start, total, answered));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            answered.countDown();
            int length = Integer.parseInt(head.replaceAll("(?s).*\r\n[Cc]ontent-[Ll]ength: *(\\d+).*", "$1"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            socket.close();
            return new Chunked(Integer.parseInt(head.split(" ")[1]), body, sending.get(30, TimeUnit.SECONDS));
        }
    }

    /** @return whether the answer came while the sender paused */
    private static boolean sendChunks(OutputStream out, String start, long total, CountDownLatch answered) {
        byte[] first = start.getBytes(StandardCharsets.UTF_8);
        byte[] filler = new byte[PAUSE_AFTER];
        Arrays.fill(filler, (byte) 'x');
        boolean answeredMidBody = false;
        try {
            writeChunk(out, first, first.length);
            long sent = first.length;
            while (sent < total) {
                int n = (int) Math.min(filler.length, total - sent);
                writeChunk(out, filler, n);
                out.flush();
                sent += n;
                if (sent >= PAUSE_AFTER && sent - n < PAUSE_AFTER) {
                    answeredMidBody = answered.await(10, TimeUnit.SECONDS);
                }
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // The gateway answered and closed the connection before the body ended: what a limit does.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answeredMidBody;
    }

    private static void writeChunk(OutputStream out, byte[] bytes, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, 0, length);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed inside the response head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
