package dev.fuseflow.streams.app;

import dev.fuseflow.runtime.ops.OpsHttpServer;
import dev.fuseflow.runtime.ops.ServiceMeters;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.streams.topology.PreferenceTopology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running stream-processor application: Kafka Streams, its metrics and its health. */
public final class StreamProcessorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessorApp.class);
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|user\\.info|jaas|token).*");

    private final KafkaStreams streams;
    private final ServiceMeters meters;
    private final KafkaStreamsMetrics streamsMetrics;
    private final OpsHttpServer http;

    private StreamProcessorApp(
            KafkaStreams streams, ServiceMeters meters, KafkaStreamsMetrics streamsMetrics, OpsHttpServer http) {
        this.streams = streams;
        this.meters = meters;
        this.streamsMetrics = streamsMetrics;
        this.http = http;
    }

    /** Creates missing topics, starts processing and the metrics endpoint; returns at once. */
    public static StreamProcessorApp start(StreamProcessorConfig config) {
        ServiceMeters service = ServiceMeters.start("stream-processors");
        PrometheusMeterRegistry meters = service.registry();
        Properties properties = StreamsProperties.of(config, meters);
        logEffectiveConfiguration(config, properties);
        try (Admin admin = Admin.create(adminConfig(config))) {
            new TopicProvisioner(admin).ensure(config.topology().topics().all());
        }
        Topology topology = PreferenceTopology.build(config.topology(), config.serdeSettings(), meters);
        LOG.info("Topology:\n{}", topology.describe());
        KafkaStreams streams = new KafkaStreams(topology, properties);
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.error("Stream thread died; replacing it (bad input never gets here: it is dead-lettered)", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("Kafka Streams state {} -> {}", before, now));
        // Kafka Streams' own metrics (kafka_stream_*) and those of its consumers and producers (kafka_consumer_*, ...).
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        bindState(streams, meters);
        streams.start();
        OpsHttpServer http = config.metricsPort() < 0
                ? null
                : OpsHttpServer.start(config.metricsHost(), config.metricsPort(), meters, () -> health(streams));
        if (http != null) {
            LOG.info("Metrics at http://{}:{}/metrics, health at /health", config.metricsHost(), http.port());
        }
        return new StreamProcessorApp(streams, service, streamsMetrics, http);
    }

    /**
     * The client's state as a Prometheus state set, {@code fuseflow_streams_state{state}}: 1 for the
     * current state, 0 for the others, so that an alert can say "not RUNNING for 10 minutes" (Kafka
     * Streams' own {@code state} metric is a string, which no Prometheus binder exports).
     */
    private static void bindState(KafkaStreams streams, MeterRegistry meters) {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            Gauge.builder("fuseflow_streams_state", streams, s -> s.state() == state ? 1 : 0)
                    .description("1 for the Kafka Streams client's current state, 0 for the others")
                    .tag("state", state.name())
                    .register(meters);
        }
    }

    private static OpsHttpServer.Health health(KafkaStreams streams) {
        KafkaStreams.State state = streams.state();
        return new OpsHttpServer.Health(
                state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING,
                "kafka streams " + state);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public PrometheusMeterRegistry meters() {
        return meters.registry();
    }

    /** The port of the metrics endpoint, or -1 when it is off. */
    public int metricsPort() {
        return http == null ? -1 : http.port();
    }

    private static Map<String, Object> adminConfig(StreamProcessorConfig config) {
        Map<String, Object> admin = new TreeMap<>(config.kafkaClientSettings());
        admin.put("bootstrap.servers", config.bootstrapServers());
        return admin;
    }

    private static void logEffectiveConfiguration(StreamProcessorConfig config, Properties properties) {
        StringBuilder text = new StringBuilder("Effective configuration:\n");
        new TreeMap<>(properties)
                .forEach((k, v) -> text.append("  ")
                        .append(k)
                        .append(" = ")
                        .append(SECRET.matcher(k.toString()).matches() ? "[hidden]" : v)
                        .append('\n'));
        text.append("  topology = ").append(config.topology());
        LOG.info(text.toString());
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        if (http != null) {
            http.close();
        }
        meters.close();
    }
}
