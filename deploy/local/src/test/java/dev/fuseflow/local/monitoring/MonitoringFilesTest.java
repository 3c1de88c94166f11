package dev.fuseflow.local.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.local.LocalStack;
import dev.fuseflow.local.LocalStackConfig;
import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.producers.gateway.Gateway;
import dev.fuseflow.producers.gateway.GatewayConfig;
import dev.fuseflow.producers.gateway.GatewaySettings;
import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.runtime.config.SharedSettings;
import dev.fuseflow.schemas.avro.ArtifactKind;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.trainer.service.TrainerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the Grafana dashboard in deploy/ name only metrics the services really
 * expose: the names are read from the files and looked up in live scrapes of the stream
 * processors, the ops exporter (on the local stack, after one bad event and one model version) and
 * a gateway on the same stack (after one refused request), and of the trainer's meters.
 */
class MonitoringFilesTest {

    /** FuseFlow's own metrics, Kafka Streams' and the Kafka clients', and the JVM's (ServiceMeters). */
    private static final Pattern METRIC =
            Pattern.compile("\\b(?:fuseflow|kafka_stream|kafka_consumer|kafka_producer|jvm|process)_[a-z0-9_]+");

    private static final Path DEPLOY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dataDir;

    @Test
    void everyMetricInTheAlertRulesAndTheDashboardIsExposed() throws Exception {
        Set<String> referenced = new TreeSet<>();
        for (String file : List.of("prometheus/fuseflow-alerts.yml", "prometheus/kafka-alerts.yml")) {
            new ObjectMapper(new YAMLFactory())
                    .readTree(DEPLOY.resolve(file).toFile())
                    .path("groups")
                    .forEach(group -> group.path("rules")
                            .forEach(rule ->
                                    referenced.addAll(names(rule.path("expr").asText()))));
        }
        assertThat(referenced)
                .contains(
                        "fuseflow_gateway_requests_seconds_count",
                        "fuseflow_streams_state",
                        "kafka_stream_failed_stream_threads_total");
        JsonNode dashboard = new ObjectMapper()
                .readTree(DEPLOY.resolve("grafana/fuseflow-dashboard.json").toFile());
        dashboard.findValues("expr").forEach(expr -> referenced.addAll(names(expr.asText())));
        assertThat(referenced).hasSizeGreaterThan(15);

        String exposed;
        try (LocalStack stack = LocalStack.start(LocalStackConfig.anyPorts(dataDir, BrokerMode.IN_PROCESS, false))) {
            try (FeedbackClient client = FeedbackClient.builder()
                    .bootstrapServers(stack.bootstrapServers())
                    .schemaRegistryUrl(stack.schemaRegistryUrl())
                    .maxTextBytes(1 << 20)
                    .build()) {
                client.send(FeedbackClient.generation(
                                "p1",
                                List.of(FeedbackClient.user("sort: 21")),
                                "x".repeat(70_000),
                                FeedbackClient.source("s")))
                        .get(); // over the stream processors' text limit: a dead letter
            }
            publishVersion(stack);
            String gatewayMetrics = gatewayScrape(stack);
            String streams = "http://127.0.0.1:" + stack.streamProcessors().metricsPort() + "/metrics";
            String ops = "http://127.0.0.1:" + stack.ops().port() + "/metrics";
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> get(streams).contains("fuseflow_dlq_records_total")
                            && get(ops).contains("fuseflow_ops_dead_letters_total")
                            && get(ops).contains("fuseflow_ops_consumer_lag_seconds{")
                            && get(ops).contains("fuseflow_ops_model_current_age_seconds{"));
            // jvm_gc_pause_seconds has a series once a collection ran after the binders started: make sure one did.
            System.gc();
            PrometheusMeterRegistry trainer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new TrainerMetrics(trainer, Duration.ofSeconds(10));
            exposed = get(streams) + get(ops) + trainer.scrape() + gatewayMetrics;
        }
        Set<String> available = new TreeSet<>();
        for (String line : exposed.lines().toList()) {
            if (!line.startsWith("#")) {
                available.addAll(names(line.split("[{ ]", 2)[0]));
            }
        }
        assertThat(referenced)
                .allSatisfy(
                        name -> assertThat(available).as("exposed metric names").contains(name));
    }

    @Test
    void theDashboardHasARowPerServiceAndOneUnitPerPanel() throws Exception {
        JsonNode dashboard = new ObjectMapper()
                .readTree(DEPLOY.resolve("grafana/fuseflow-dashboard.json").toFile());
        List<String> rows = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                return;
            }
            assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText())
                    .as("the unit of %s", panel.path("title").asText())
                    .isNotEmpty();
            assertThat(panel.path("fieldConfig").path("overrides").findValues("id"))
                    .as("a second unit (axis) in %s", panel.path("title").asText())
                    .noneMatch(id -> id.asText().equals("unit"));
        });
        assertThat(rows)
                .anyMatch(title -> title.startsWith("JVM"))
                .anyMatch(title -> title.startsWith("Gateway"))
                .anyMatch(title -> title.startsWith("Stream processors"))
                .anyMatch(title -> title.startsWith("Trainer"));
    }

    /** A real gateway on the stack, after one refused request (so its request timer has a series). */
    private static String gatewayScrape(LocalStack stack) throws Exception {
        Map<String, String> env = Map.of(
                Settings.envName(GatewaySettings.BOOTSTRAP_SERVERS.key()), stack.bootstrapServers(),
                Settings.envName(SharedSettings.SCHEMA_REGISTRY_URL.key()), stack.schemaRegistryUrl(),
                Settings.envName(GatewaySettings.PORT.key()), "0");
        try (Gateway gateway = Gateway.start(
                GatewayConfig.from(Settings.load(GatewayConfig.DEFAULTS, Optional.empty(), env, Map.of())))) {
            String base = "http://127.0.0.1:" + gateway.port();
            HttpResponse<String> refused = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/v1/generations"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(400);
            return get(base + "/metrics");
        }
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void publishVersion(LocalStack stack) throws Exception {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        String topic = stack.topics().modelVersions().name();
        ModelVersion version = ModelVersion.newBuilder()
                .setArtifactKind(ArtifactKind.FULL_MODEL)
                .setModelName("target")
                .setVersion(1)
                .setArtifactUri("file:///store/target/v1")
                .setArtifactSha256("")
                .setTrainerStep(10)
                .setSamplesTrained(80)
                .setConsumedOffsets(List.of())
                .setEvalMetrics(Map.of())
                .setStatusReasons(List.of())
                .setStatus(ModelVersionStatus.PUBLISHED)
                .setCreatedAt(Instant.now())
                .build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic,
                            "target",
                            ((KafkaAvroSerializer<SpecificRecord>) serializer).serialize(topic, version)))
                    .get();
        }
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
