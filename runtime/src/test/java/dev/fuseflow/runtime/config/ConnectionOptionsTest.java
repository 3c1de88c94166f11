package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConnectionOptionsTest {

    @Command(name = "some-command")
    static final class SomeCommand {
        @Mixin
        ConnectionOptions connection = new ConnectionOptions();
    }

    private static ConnectionOptions parse(String... args) {
        SomeCommand command = new SomeCommand();
        new CommandLine(command).parseArgs(args);
        return command.connection;
    }

    @Test
    void securityFirstThenTheCommandsSettingsThenKafkaPropertiesWhichWin(@TempDir Path dir) throws Exception {
        Path security = Files.write(dir.resolve("security.properties"), List.of("fuseflow.security.protocol=SASL_PLAINTEXT",
                "fuseflow.security.sasl.username=ops", "fuseflow.security.sasl.password=secret"));
        ConnectionOptions connection = parse("--bootstrap-servers", "broker:9093", "--schema-registry-url", "http://registry:8081",
                "--security-config", security.toString(), "--topic-prefix", "staging.",
                "--kafka-property", "client.id=from-the-operator", "--kafka-property", "security.protocol=SASL_SSL");

        Map<String, Object> config = connection.clientConfig(Map.of("client.id", "fuseflow-test", "acks", "all"));

        assertThat(config).containsEntry("bootstrap.servers", "broker:9093").containsEntry("schema.registry.url", "http://registry:8081")
                .containsEntry("acks", "all").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("client.id", "from-the-operator").containsEntry("security.protocol", "SASL_SSL");
        assertThat(connection.topics().preferences().name()).isEqualTo("staging.fuseflow.preferences.v1");
        assertThat(connection.security()).isSameAs(connection.security());
    }

    @Test
    void withoutOptionsItIsAPlaintextLocalConnection() {
        ConnectionOptions connection = parse();
        Map<String, Object> config = connection.clientConfig(Map.of());
        assertThat(config).containsEntry("schema.registry.url", connection.schemaRegistryUrl())
                .containsEntry("bootstrap.servers", connection.bootstrapServers()).doesNotContainKey("sasl.jaas.config");
        assertThat(connection.topics().generations().name()).isEqualTo("fuseflow.generations.v1");
        assertThat(connection.kafkaProperties()).isEmpty();
    }
}
