package dev.fuseflow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.schemas.registry.RegistryClientConfig;
import dev.fuseflow.schemas.registry.RestSchemaRegistryClient;
import dev.fuseflow.schemas.topics.TopicSpec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTest {

    @TempDir
    Path dataDir;

    @Test
    void startsWithTopicsAndSchemasAndKeepsThemAcrossRestarts() throws Exception {
        LocalStackConfig config = new LocalStackConfig(dataDir, BrokerMode.CHILD_PROCESS, 0, 0, false);
        Map<String, Integer> firstIds;
        try (LocalStack stack = LocalStack.start(config)) {
            firstIds = stack.schemaIds();
            assertThat(firstIds).containsOnlyKeys("fuseflow.generations.v1-value", "fuseflow.feedback.v1-value",
                    "fuseflow.preferences.v1-value", "fuseflow.dlq.v1-value", "fuseflow.model-versions.v1-value");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                Map<String, TopicDescription> described = admin.describeTopics(
                        stack.topics().all().stream().map(TopicSpec::name).toList()).allTopicNames().get();
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
            assertThat(stack.describe()).contains("bootstrap.servers=" + stack.bootstrapServers())
                    .contains("fuseflow.preferences.v1").contains("PreferenceSample");
        }
        try (LocalStack again = LocalStack.start(config)) {
            assertThat(again.schemaIds()).isEqualTo(firstIds);
            assertThat(new RestSchemaRegistryClient(RegistryClientConfig.from(Map.of("schema.registry.url",
                    again.schemaRegistryUrl()))).subjects()).containsAll(firstIds.keySet());
        }
    }

    @Test
    void invalidSettingsSayWhatToFix() {
        assertThatThrownBy(() -> new LocalStackConfig(dataDir, BrokerMode.IN_PROCESS, 70_000, 0, false))
                .hasMessage("kafka port (--kafka-port, FUSEFLOW_KAFKA_PORT) must be 0 (any free port) or 1-65535, got 70000");
        assertThatThrownBy(() -> new LocalStackConfig(dataDir, BrokerMode.IN_PROCESS, 9092, 9092, false))
                .hasMessage("kafka port and registry port must differ, both are 9092");
        assertThatThrownBy(() -> new LocalStackConfig(dataDir, BrokerMode.CONTAINER, 0, 0, false))
                .hasMessageContaining("in-process or as a child process");
    }

    @Test
    void commandLineStartsAndStopsTheStack() {
        int exit = new picocli.CommandLine(new LocalStackCommand()).execute("--data-dir", dataDir.toString(),
                "--kafka-port", "0", "--registry-port", "0", "--exit-when-ready");
        assertThat(exit).isZero();
        assertThat(dataDir.resolve(LocalStack.ENDPOINTS_FILE)).exists();
    }
}
