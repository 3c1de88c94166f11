package dev.fuseflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.registry.RegistryClientConfig;
import dev.fuseflow.schemas.registry.RestSchemaRegistryClient;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.topics.TopicSpec;
import dev.fuseflow.streams.workload.Workload;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTest {

    @TempDir
    Path dataDir;

    @Test
    void startsWithTopicsAndSchemasAndKeepsThemAcrossRestarts() throws Exception {
        LocalStackConfig config = LocalStackConfig.anyPorts(dataDir, BrokerMode.CHILD_PROCESS, false);
        Map<String, Integer> firstIds;
        try (LocalStack stack = LocalStack.start(config)) {
            firstIds = stack.schemaIds();
            assertThat(firstIds)
                    .containsOnlyKeys(
                            "fuseflow.generations.v1-value",
                            "fuseflow.feedback.v1-value",
                            "fuseflow.preferences.v1-value",
                            "fuseflow.dlq.v1-value",
                            "fuseflow.model-versions.v1-value");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                Map<String, TopicDescription> described = admin.describeTopics(stack.topics().all().stream()
                                .map(TopicSpec::name)
                                .toList())
                        .allTopicNames()
                        .get();
                for (TopicSpec spec : stack.topics().all()) {
                    assertThat(described.get(spec.name()).partitions()).hasSize(spec.partitions());
                }
            }
            Properties endpoints = new Properties();
            try (InputStream in = Files.newInputStream(dataDir.resolve(LocalStack.ENDPOINTS_FILE))) {
                endpoints.load(in);
            }
            assertThat(endpoints.getProperty("bootstrap.servers")).isEqualTo(stack.bootstrapServers());
            assertThat(endpoints.getProperty("schema.registry.url")).isEqualTo(stack.schemaRegistryUrl());
            assertThat(stack.describe())
                    .contains("bootstrap.servers=" + stack.bootstrapServers())
                    .contains("fuseflow.preferences.v1")
                    .contains("PreferenceSample")
                    .contains("metrics http://127.0.0.1:"
                            + stack.streamProcessors().metricsPort())
                    .contains("status page http://127.0.0.1:" + stack.ops().port() + "/");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stack.streamProcessors().streams().state() == KafkaStreams.State.RUNNING);
            assertFeedbackBecomesASample(stack);
        }
        try (LocalStack again = LocalStack.start(config)) {
            assertThat(again.schemaIds()).isEqualTo(firstIds);
            assertThat(new RestSchemaRegistryClient(
                                    RegistryClientConfig.from(Map.of("schema.registry.url", again.schemaRegistryUrl())))
                            .subjects())
                    .containsAll(firstIds.keySet());
        }
    }

    /** The pipeline the stack runs: six events of one prompt in, one WRPO sample out. */
    private static void assertFeedbackBecomesASample(LocalStack stack) {
        FuseFlowTopics topics = stack.topics();
        Workload workload = Workload.generate(topics, 1, 0, 1_000, Duration.ofMinutes(1), 3);
        KafkaAvroSerializer<SpecificRecord> serializer = new KafkaAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            workload.events()
                    .forEach(e -> producer.send(new ProducerRecord<>(
                            e.topic(),
                            null,
                            e.timestamp().toEpochMilli(),
                            e.key(),
                            Workload.bytes(e, serializer::serialize))));
        }
        KafkaAvroDeserializer<PreferenceSample> deserializer = new KafkaAvroDeserializer<>(PreferenceSample.class);
        deserializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        try (KafkaConsumer<String, PreferenceSample> consumer = new KafkaConsumer<>(
                Map.of(
                        "bootstrap.servers",
                        stack.bootstrapServers(),
                        "group.id",
                        "local-stack-test",
                        "auto.offset.reset",
                        "earliest",
                        "isolation.level",
                        "read_committed"),
                new StringDeserializer(),
                deserializer)) {
            consumer.subscribe(List.of(topics.preferences().name()));
            List<PreferenceSample> samples = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> samples.add(r.value()));
                return !samples.isEmpty();
            });
            assertThat(samples.get(0).getPromptId()).isEqualTo("prompt-0");
            assertThat(samples.get(0).getTargetChosen().getGenerationId()).isEqualTo("prompt-0-t1");
        }
    }

    @Test
    void invalidSettingsSayWhatToFix() {
        assertThatThrownBy(() -> new LocalStackConfig(dataDir, BrokerMode.IN_PROCESS, 70_000, 0, 0, 0, false))
                .hasMessage(
                        "kafka port (--kafka-port, FUSEFLOW_LOCAL_KAFKA_PORT) must be 0 (any free port) or 1-65535, got 70000");
        assertThatThrownBy(() -> new LocalStackConfig(dataDir, BrokerMode.IN_PROCESS, 9092, 9092, 0, 0, false))
                .hasMessage("kafka port and registry port must differ, both are 9092");
        assertThatThrownBy(() -> LocalStackConfig.anyPorts(dataDir, BrokerMode.CONTAINER, false))
                .hasMessageContaining("in-process or as a child process");
    }

    @Test
    void aBusyPortIsRefusedNamingItBeforeAnythingStartsOrIsDeleted() throws Exception {
        Path kept = Files.createDirectories(dataDir).resolve("kept");
        Files.writeString(kept, "a previous run");
        try (ServerSocket foreign = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int busy = foreign.getLocalPort();
            StringWriter err = new StringWriter();

            int exit = LocalStackCommand.commandLine(new String[0], Map.of())
                    .setErr(new PrintWriter(err))
                    .execute(
                            "--data-dir",
                            dataDir.toString(),
                            "--reset",
                            "--kafka-port",
                            "0",
                            "--registry-port",
                            String.valueOf(busy),
                            "--streams-metrics-port",
                            "0",
                            "--ops-port",
                            "0",
                            "--exit-when-ready");

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("Port " + busy + " (--registry-port) is in use");
            assertThat(kept)
                    .as("--reset deletes nothing when the stack cannot start")
                    .exists();
        }
    }

    @Test
    void commandLineStartsAndStopsTheStack() {
        int exit = LocalStackCommand.commandLine(new String[0], Map.of())
                .execute(
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-port",
                        "0",
                        "--registry-port",
                        "0",
                        "--streams-metrics-port",
                        "0",
                        "--ops-port",
                        "0",
                        "--exit-when-ready");
        assertThat(exit).isZero();
        assertThat(dataDir.resolve(LocalStack.ENDPOINTS_FILE)).exists();
    }
}
