package dev.fuseflow.ops.exporter;

import dev.fuseflow.ops.json.OpsJson;
import dev.fuseflow.ops.lag.LagProbe;
import dev.fuseflow.ops.lag.PartitionLag;
import dev.fuseflow.ops.versions.ModelStatus;
import dev.fuseflow.runtime.ops.OpsHttpServer;
import dev.fuseflow.runtime.ops.ServiceMeters;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops exporter: the figures of {@code fuseflow-ops status} as Prometheus metrics, refreshed
 * every interval, and a small status page ({@code /}, plain HTML and JavaScript reading
 * {@code /api/status}) with lag over time and the version timeline.
 *
 * <p>Metrics (docs/operations.md, "Metrics"): {@code fuseflow_ops_consumer_lag_records} and
 * {@code fuseflow_ops_consumer_lag_seconds} {group, topic, partition};
 * {@code fuseflow_ops_model_current_version}, {@code fuseflow_ops_model_current_age_seconds},
 * {@code fuseflow_ops_model_rejection_streak} {model};
 * {@code fuseflow_ops_model_versions} {model, status} (records so far);
 * {@code fuseflow_ops_dead_letters_total} {stage, reason}.
 */
public final class OpsExporter implements AutoCloseable {

    /** What the status page reads. */
    public record StatusPayload(
            Instant at,
            Map<String, List<double[]>> lagHistory,
            List<PartitionLag> lag,
            List<ModelStatus> models,
            Map<String, Long> deadLetters) {}

    private static final Logger LOG = LoggerFactory.getLogger(OpsExporter.class);
    private static final int HISTORY_POINTS = 360;

    private final ServiceMeters meters = ServiceMeters.start("ops-exporter");
    private final PrometheusMeterRegistry registry = meters.registry();
    private final LagProbe probe;
    private final RecordTail tail;
    private final String groupPrefix;
    private final MultiGauge lagRecords;
    private final MultiGauge lagSeconds;
    private final MultiGauge currentVersion;
    private final MultiGauge currentAge;
    private final MultiGauge rejectionStreak;
    private final MultiGauge versionCounts;
    private final Map<String, Long> deadLetterCounts = new TreeMap<>();
    private final Map<String, Deque<double[]>> lagHistory = new LinkedHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "ops-exporter-refresh");
        thread.setDaemon(true);
        return thread;
    });
    private final OpsHttpServer http;
    private volatile List<PartitionLag> lastLag = List.of();
    private volatile String lastError;

    public OpsExporter(
            Map<String, Object> clientConfig,
            FuseFlowTopics topics,
            String groupPrefix,
            String host,
            int port,
            Duration interval) {
        this.probe = new LagProbe(clientConfig);
        this.groupPrefix = groupPrefix;
        this.lagRecords = MultiGauge.builder("fuseflow_ops_consumer_lag_records")
                .description("End offset minus committed offset")
                .register(registry);
        this.lagSeconds = MultiGauge.builder("fuseflow_ops_consumer_lag_seconds")
                .description("Age of the oldest record a group has not consumed; 0 when caught up")
                .register(registry);
        this.currentVersion = MultiGauge.builder("fuseflow_ops_model_current_version")
                .description("Version apps should serve")
                .register(registry);
        this.currentAge = MultiGauge.builder("fuseflow_ops_model_current_age_seconds")
                .description("Time since the served version was published")
                .register(registry);
        this.rejectionStreak = MultiGauge.builder("fuseflow_ops_model_rejection_streak")
                .description("Candidates rejected since the last publication")
                .register(registry);
        this.versionCounts = MultiGauge.builder("fuseflow_ops_model_versions")
                .description("ModelVersion records by status")
                .register(registry);
        this.tail = new RecordTail(
                clientConfig,
                topics.modelVersions().name(),
                topics.deadLetters().name(),
                this::deadLetter);
        tail.bindClientMetrics(meters);
        this.http = OpsHttpServer.start(
                host,
                port,
                registry,
                this::health,
                Map.of(
                        "/api/status",
                                exchange -> OpsHttpServer.respond(
                                        exchange,
                                        200,
                                        "application/json",
                                        OpsJson.MAPPER.writeValueAsString(payload())),
                        "/", exchange -> OpsHttpServer.respond(exchange, 200, "text/html; charset=utf-8", page())));
        refresher.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int port() {
        return http.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void deadLetter(DeadLetter letter, long timestamp) {
        String stage = letter.getStage().toString();
        String reason = letter.getReason().name();
        Counter.builder("fuseflow_ops_dead_letters")
                .description("Dead letters by stage and reason")
                .tags("stage", stage, "reason", reason)
                .register(registry)
                .increment();
        synchronized (deadLetterCounts) {
            deadLetterCounts.merge(stage + " " + reason, 1L, Long::sum);
        }
    }

    /** One look at lag and versions; a failure is logged and shown on /health, and the next look tries again. */
    void refresh() {
        try {
            List<PartitionLag> lag = probe.lag(probe.groups(groupPrefix));
            lastLag = lag;
            lagRecords.register(rows(lag, p -> (double) p.lagRecords()), true);
            lagSeconds.register(rows(lag, PartitionLag::lagSeconds), true);
            long now = System.currentTimeMillis();
            Map<String, double[]> perGroup = new LinkedHashMap<>();
            for (PartitionLag p : lag) {
                double[] point = perGroup.computeIfAbsent(p.group(), g -> new double[] {now, 0, 0});
                point[1] += p.lagRecords();
                point[2] = Math.max(point[2], Double.isNaN(p.lagSeconds()) ? 0 : p.lagSeconds());
            }
            synchronized (lagHistory) {
                perGroup.forEach((group, point) -> {
                    Deque<double[]> points = lagHistory.computeIfAbsent(group, g -> new ArrayDeque<>());
                    points.addLast(point);
                    while (points.size() > HISTORY_POINTS) {
                        points.removeFirst();
                    }
                });
            }
            List<ModelStatus> models = models();
            currentVersion.register(
                    models.stream()
                            .filter(m -> m.current().isPresent())
                            .map(m -> MultiGauge.Row.of(
                                    Tags.of("model", m.model()),
                                    m.current().get().version()))
                            .toList(),
                    true);
            currentAge.register(
                    models.stream()
                            .filter(m -> m.currentAge().isPresent())
                            .map(m -> MultiGauge.Row.of(
                                    Tags.of("model", m.model()),
                                    m.currentAge().get().toMillis() / 1000.0))
                            .toList(),
                    true);
            rejectionStreak.register(
                    models.stream()
                            .map(m -> MultiGauge.Row.of(Tags.of("model", m.model()), m.rejectionStreak()))
                            .toList(),
                    true);
            List<MultiGauge.Row<?>> counts = new ArrayList<>();
            for (ModelStatus m : models) {
                Map<String, Long> byStatus = new TreeMap<>();
                m.history().forEach(e -> byStatus.merge(e.status(), 1L, Long::sum));
                byStatus.forEach((status, count) ->
                        counts.add(MultiGauge.Row.of(Tags.of("model", m.model(), "status", status), count)));
            }
            versionCounts.register(counts, true);
            lastError = null;
        } catch (Exception e) {
            lastError = e.toString();
            LOG.warn("ops exporter refresh failed (retrying next interval): {}", e.toString());
        }
    }

    private static List<MultiGauge.Row<?>> rows(List<PartitionLag> lag, Function<PartitionLag, Double> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (PartitionLag p : lag) {
            rows.add(MultiGauge.Row.of(
                    Tags.of("group", p.group(), "topic", p.topic(), "partition", Integer.toString(p.partition())),
                    value.apply(p)));
        }
        return rows;
    }

    private List<ModelStatus> models() {
        Instant now = Instant.now();
        List<ModelStatus> models = new ArrayList<>();
        for (Map.Entry<String, List<ModelVersion>> e : tail.versions().entrySet()) {
            models.add(ModelStatus.of(e.getKey(), e.getValue(), now, 5));
        }
        return models;
    }

    StatusPayload payload() {
        Map<String, List<double[]>> history = new LinkedHashMap<>();
        synchronized (lagHistory) {
            lagHistory.forEach((group, points) -> history.put(group, List.copyOf(points)));
        }
        Map<String, Long> letters;
        synchronized (deadLetterCounts) {
            letters = new TreeMap<>(deadLetterCounts);
        }
        return new StatusPayload(Instant.now(), history, lastLag, models(), letters);
    }

    private OpsHttpServer.Health health() {
        String error = lastError;
        return error == null
                ? new OpsHttpServer.Health(true, "refreshing")
                : new OpsHttpServer.Health(false, "last refresh failed");
    }

    private static String page() {
        try (InputStream in = OpsExporter.class.getResourceAsStream("status.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the status page is missing from the jar", e);
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        http.close();
        tail.close();
        probe.close();
        meters.close();
    }
}
