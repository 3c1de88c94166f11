package dev.fuseflow.ops.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.ops.cli.OpsTestFixtures;
import dev.fuseflow.runtime.ops.OpsHttpServer;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The exporter against the real broker and registry: its metrics carry the figures of the status
 * command, and its status page renders in headless Chromium (a screenshot is kept in
 * {@code ops/target/ops-status-page.png}).
 */
@WithEmbeddedStack
class OpsExporterTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void metricsCarryLagVersionsAndDeadLettersAndTheStatusPageRenders(EmbeddedStack stack) throws Exception {
        String prefix = "exp-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FuseFlowTopics topics = OpsTestFixtures.provision(stack, prefix);
        String group = "fuseflow-exp-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 12; i++) {
                producer.send(new ProducerRecord<>(topics.preferences().name(), 0, null, "k", new byte[] {1}))
                        .get();
            }
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets(
                            group,
                            Map.of(new TopicPartition(topics.preferences().name(), 0), new OffsetAndMetadata(5)))
                    .all()
                    .get();
        }
        OpsTestFixtures.writeVersions(
                stack,
                topics,
                List.of(
                        OpsTestFixtures.version(1, ModelVersionStatus.PUBLISHED, List.of(), 0.52),
                        OpsTestFixtures.version(2, ModelVersionStatus.PUBLISHED, List.of(), 0.61),
                        OpsTestFixtures.version(
                                3,
                                ModelVersionStatus.REJECTED,
                                List.of("eval/task_reward 0.40 is worse than 0.61"),
                                0.40)));
        OpsTestFixtures.writeDeadLetter(
                stack,
                topics,
                OpsTestFixtures.letter(topics, new byte[] {9}, DeadLetterReason.LATE, "stream-processors/aggregate"));

        Map<String, Object> config = Map.of(
                "bootstrap.servers",
                stack.bootstrapServers(),
                "schema.registry.url",
                stack.schemaRegistryUrl(),
                "specific.avro.reader",
                true);
        try (OpsExporter exporter =
                new OpsExporter(config, topics, group, OpsHttpServer.LOOPBACK, 0, Duration.ofMillis(500))) {
            String base = "http://127.0.0.1:" + exporter.port();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(get(base + "/metrics"))
                            .contains(
                                    "fuseflow_ops_consumer_lag_records{group=\"" + group + "\",partition=\"0\",topic=\""
                                            + topics.preferences().name() + "\"} 7.0",
                                    "fuseflow_ops_model_current_version{model=\"target\"} 2.0",
                                    "fuseflow_ops_model_rejection_streak{model=\"target\"} 1.0",
                                    "fuseflow_ops_model_versions{model=\"target\",status=\"PUBLISHED\"} 2.0",
                                    "fuseflow_ops_dead_letters_total{reason=\"LATE\",stage=\"stream-processors/aggregate\"} 1.0",
                                    "fuseflow_ops_consumer_lag_seconds{",
                                    "fuseflow_build_info{",
                                    "service=\"ops-exporter\"",
                                    "jvm_memory_used_bytes{area=\"heap\"",
                                    "kafka_consumer_fetch_manager_records_consumed_total{"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode status = new ObjectMapper().readTree(get(base + "/api/status"));
                assertThat(status.get("lagHistory").get(group).size()).isGreaterThanOrEqualTo(2);
                assertThat(status.get("models")
                                .get(0)
                                .get("current")
                                .get("version")
                                .asLong())
                        .isEqualTo(2);
            });
            assertThat(get(base + "/")).contains("<title>FuseFlow status</title>", "/api/status");
            screenshot(base + "/");
        }
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** Headless Chromium renders the page with its JavaScript; skipped with a message where Chromium is not installed. */
    private static void screenshot(String url) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(
                Files.isExecutable(chromium),
                "Chromium is not installed (.ci/run installs Debian's chromium"
                        + " package when it can); the status page was checked over HTTP only, without a screenshot");
        Path png = Path.of("target", "ops-status-page.png").toAbsolutePath();
        Files.deleteIfExists(png);
        Process process = new ProcessBuilder(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                        "--window-size=1200,1100",
                        "--virtual-time-budget=6000",
                        "--screenshot=" + png,
                        url)
                .redirectErrorStream(true)
                .start();
        boolean done = process.waitFor(90, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(done).as("chromium finished; output: %s", output).isTrue();
        assertThat(png).as("chromium output: %s", output).isRegularFile();
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }
}
