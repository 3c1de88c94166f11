package dev.fuseflow.producers.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.producers.client.FeedbackClientBuilder;
import dev.fuseflow.producers.gateway.access.AccessControl;
import dev.fuseflow.producers.gateway.access.AccessRefusedException;
import dev.fuseflow.producers.gateway.access.ServerTls;
import dev.fuseflow.producers.json.EventJson;
import dev.fuseflow.producers.json.FieldError;
import dev.fuseflow.producers.json.InvalidEventJsonException;
import dev.fuseflow.runtime.ops.ServiceMeters;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.validation.EventValidator;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway: FuseFlow's events as JSON for apps that are not on the JVM, Avro to Kafka
 * behind. A request is answered {@code 202} only once the broker acknowledged every event in it
 * (acks=all, idempotent producer), {@code 400} with field-level errors when any event is invalid
 * (then nothing of it is sent) or when the body is not exactly one JSON document of UTF-8 (one
 * per line for a batch), {@code 413} for a body or batch above the limits (counted as the body
 * streams in, whatever its transfer encoding), {@code 415} for a content type other than the
 * endpoint's in UTF-8, and {@code 503} with {@code Retry-After} when Kafka did not acknowledge in
 * time; the body of a 503 lists the events that were stored, and resending the others with the
 * same ids is safe. Every response carries {@code X-Request-Id}: the caller's when it is a plain
 * token ({@link RequestReader#requestId}), a new one otherwise. The API is described in
 * {@code openapi.yaml}, served at {@code /openapi.yaml}.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    static final String REQUEST_ID = RequestReader.REQUEST_ID;
    private static final String STARTED = "fuseflow.started";

    private final GatewayConfig config;
    private final FeedbackClient client;
    private final ServiceMeters service;
    private final PrometheusMeterRegistry meters;
    private final EventJson events;
    private final Javalin server;
    private final AccessControl access;
    private final ObjectMapper json = EventJson.mapper();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();

    private Gateway(GatewayConfig config) {
        this.config = config;
        config.access().requireProtected(config.host());
        this.access = new AccessControl(config.access());
        this.service = ServiceMeters.start("gateway");
        this.meters = service.registry();
        FeedbackClientBuilder builder = FeedbackClient.builder()
                .bootstrapServers(config.bootstrapServers())
                .schemaRegistryUrl(config.schemaRegistryUrl())
                .clientId("fuseflow-gateway")
                .maxTextBytes(config.maxTextBytes())
                .maxBlock(config.ackTimeout())
                .meterRegistry(meters)
                .topics(FuseFlowTopics.defaults().renamed(name -> config.topicPrefix() + name));
        config.clientProperties().forEach(builder::property);
        this.client = builder.build();
        this.events = new EventJson(new EventValidator(config.maxTextBytes()));
        // Javalin's maxRequestSize is not used: it checks Content-Length only (RequestReader.body counts).
        this.server = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            config.access()
                    .tls()
                    .ifPresent(tls -> javalin.jetty.addConnector(
                            (jetty, http) -> ServerTls.connector(jetty, http, tls, config.host(), config.port())));
        });
        routes();
    }

    /** Starts listening; {@link #port()} tells where. */
    public static Gateway start(GatewayConfig config) {
        Gateway gateway = new Gateway(config);
        gateway.server.start(config.host(), config.port());
        LOG.info(
                "FuseFlow gateway listening on {}://{}:{}",
                config.access().tls().isPresent() ? "https" : "http",
                config.host(),
                gateway.port());
        return gateway;
    }

    public int port() {
        return server.port();
    }

    private void routes() {
        server.before(ctx -> {
            ctx.attribute(STARTED, System.nanoTime());
            ctx.attribute(REQUEST_ID, UUID.randomUUID().toString());
            ctx.header(REQUEST_ID, ctx.<String>attribute(REQUEST_ID));
            String id = RequestReader.requestId(ctx);
            if (id != null) {
                ctx.attribute(REQUEST_ID, id);
                ctx.header(REQUEST_ID, id);
            }
            if (access.cors(ctx)) {
                ctx.skipRemainingHandlers();
            }
        });
        server.before("/v1/*", access::admit);
        server.after(ctx -> {
            Long started = ctx.attribute(STARTED);
            if (started != null) {
                Timer.builder("fuseflow.gateway.requests")
                        .description("HTTP requests by route and status")
                        .tags("route", ctx.endpointHandlerPath(), "status", Integer.toString(ctx.statusCode()))
                        .register(meters)
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        });
        server.post("/v1/generations", ctx -> accept(ctx, () -> List.of(generation(document(ctx)))));
        server.post("/v1/feedback", ctx -> accept(ctx, () -> List.of(feedback(document(ctx)))));
        server.post("/v1/events", ctx -> accept(ctx, () -> batch(ndjson(ctx))));
        server.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        server.get("/health/ready", ctx -> {
            boolean ready = !draining.get();
            ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "UP" : "DRAINING"));
        });
        server.get(
                "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(meters.scrape()));
        server.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi()));
        server.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), "request", e.getMessage()));
        server.exception(
                RefusedRequestException.class,
                (e, ctx) -> error(ctx, e.status(), e.error().field(), e.error().problem()));
        server.exception(AccessRefusedException.class, (e, ctx) -> {
            e.headers().forEach(ctx::header);
            error(ctx, e.status(), e.field(), e.problem());
        });
        server.exception(InvalidEventJsonException.class, (e, ctx) -> invalid(ctx, e.errors()));
        server.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} failed", ctx.<String>attribute(REQUEST_ID), e);
            error(ctx, 500, "gateway", "internal error; the request id is in the logs");
        });
    }

    /** Something that reads a request into events, failing with field errors. */
    @FunctionalInterface
    private interface EventReader {
        List<SpecificRecord> read() throws IOException;
    }

    private void accept(Context ctx, EventReader reader) throws IOException {
        if (draining.get()) {
            unavailable(ctx, "the gateway is shutting down", List.of());
            return;
        }
        inFlight.incrementAndGet();
        try {
            List<SpecificRecord> parsed = reader.read();
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
            for (SpecificRecord event : parsed) {
                acks.add(event instanceof GenerationEvent g ? client.send(g) : client.send((FeedbackEvent) event));
            }
            respond(ctx, parsed, acks);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void respond(Context ctx, List<SpecificRecord> parsed, List<CompletableFuture<RecordMetadata>> acks) {
        long deadline = System.nanoTime() + config.ackTimeout().toNanos();
        List<Map<String, Object>> stored = new ArrayList<>();
        String failure = null;
        for (int i = 0; i < acks.size(); i++) {
            try {
                RecordMetadata metadata =
                        acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                stored.add(Map.of(
                        "eventId",
                        eventId(parsed.get(i)),
                        "partition",
                        metadata.partition(),
                        "offset",
                        metadata.offset()));
            } catch (TimeoutException | ExecutionException e) {
                failure = failure != null ? failure : (e.getCause() != null ? e.getCause() : e).toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            }
        }
        if (failure != null) {
            unavailable(ctx, "Kafka did not acknowledge every event in time (" + failure + ")", stored);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requestId", ctx.<String>attribute(REQUEST_ID));
        body.put("accepted", stored.size());
        body.put("events", stored);
        ctx.status(202).json(body);
    }

    private GenerationEvent generation(JsonNode node) {
        return events.generation(node, () -> UUID.randomUUID().toString());
    }

    private FeedbackEvent feedback(JsonNode node) {
        return events.feedback(node, () -> UUID.randomUUID().toString());
    }

    /**
     * NDJSON, one event per line with {@code kind}, lines ended by LF or CRLF; every line is checked
     * before any is sent.
     */
    private List<SpecificRecord> batch(String body) {
        String[] lines = body.split("\n");
        long nonEmpty = Arrays.stream(lines).filter(l -> !l.isBlank()).count();
        if (nonEmpty > config.maxBatchLines()) {
            throw new HttpResponseException(
                    413, "a batch may hold at most " + config.maxBatchLines() + " events, this one has " + nonEmpty);
        }
        List<SpecificRecord> parsed = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String at = "line " + (i + 1) + ": ";
            try {
                parsed.add(batchLine(lines[i]));
            } catch (InvalidEventJsonException e) {
                e.errors().forEach(error -> errors.add(new FieldError(at + error.field(), error.problem())));
            } catch (RefusedRequestException e) {
                errors.add(new FieldError(at + e.error().field(), e.error().problem()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventJsonException(errors);
        }
        return parsed;
    }

    private SpecificRecord batchLine(String line) {
        String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        int cr = text.indexOf('\r');
        if (cr >= 0) {
            // JSON reads a CR as white space: two events parted by a lone CR would look like one line.
            throw new RefusedRequestException(
                    400, "body", "has a lone CR at column " + (cr + 1) + ": lines end with LF or CRLF");
        }
        JsonNode node = RequestReader.document(json, text, "body");
        String kind = node.path("kind").asText("");
        return switch (kind) {
            case "generation" -> generation(node);
            case "feedback" -> feedback(node);
            default ->
                throw new InvalidEventJsonException(
                        List.of(new FieldError("kind", "must be 'generation' or 'feedback', was '" + kind + "'")));
        };
    }

    private JsonNode document(Context ctx) throws IOException {
        RequestReader.requireContentType(ctx, "application/json");
        return RequestReader.document(json, RequestReader.body(ctx, config.maxBodyBytes()), "body");
    }

    private String ndjson(Context ctx) throws IOException {
        RequestReader.requireContentType(ctx, "application/x-ndjson");
        return RequestReader.body(ctx, config.maxBodyBytes());
    }

    private static String eventId(SpecificRecord event) {
        return event instanceof GenerationEvent g ? g.getEventId() : ((FeedbackEvent) event).getEventId();
    }

    private void invalid(Context ctx, List<FieldError> errors) {
        List<Map<String, String>> list = errors.stream()
                .map(e -> Map.of("field", e.field(), "problem", e.problem()))
                .toList();
        ctx.status(400)
                .json(Map.of("requestId", ctx.<String>attribute(REQUEST_ID), "error", "invalid event", "errors", list));
    }

    private void unavailable(Context ctx, String why, List<Map<String, Object>> stored) {
        ctx.header("Retry-After", Long.toString(Math.max(1, config.retryAfter().toSeconds())));
        ctx.status(503).json(Map.of("requestId", ctx.<String>attribute(REQUEST_ID), "error", why, "stored", stored));
    }

    private static void error(Context ctx, int status, String field, String problem) {
        ctx.status(status)
                .json(Map.of(
                        "requestId",
                        String.valueOf(ctx.<String>attribute(REQUEST_ID)),
                        "error",
                        problem,
                        "errors",
                        List.of(Map.of("field", field, "problem", problem))));
    }

    private static String openApi() throws IOException {
        try (InputStream in = Gateway.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IOException("openapi.yaml is missing from the gateway's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Graceful shutdown: new requests get 503 with Retry-After, requests in flight finish (up to
     * the drain timeout), then the server stops and the client delivers or fails what is pending.
     */
    @Override
    public void close() {
        draining.set(true);
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warn(
                    "{} requests still in flight after the drain timeout of {}", inFlight.get(), config.drainTimeout());
        }
        server.stop();
        access.close();
        client.close();
        service.close();
    }

    int inFlight() {
        return inFlight.get();
    }

    Duration ackTimeout() {
        return config.ackTimeout();
    }
}
