package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class ConnectionOptionsTest {

    @Command(name = "some-command")
    static final class SomeCommand {
        @Mixin
        ConnectionOptions connection = new ConnectionOptions();
    }

    @Command(name = "configured-command")
    static final class ConfiguredCommand {
        @Mixin
        ConnectionOptions connection = new ConnectionOptions();

        @Mixin
        ConfigOptions config = new ConfigOptions();
    }

    private static ConnectionOptions parse(String... args) {
        SomeCommand command = new SomeCommand();
        new CommandLine(command).parseArgs(args);
        return command.connection;
    }

    @Test
    void securityFirstThenTheCommandsSettingsThenKafkaPropertiesWhichWin(@TempDir Path dir) throws Exception {
        Path security = Files.write(
                dir.resolve("security.properties"),
                List.of(
                        "fuseflow.security.protocol=SASL_PLAINTEXT",
                        "fuseflow.security.sasl.username=ops",
                        "fuseflow.security.sasl.password=secret"));
        ConnectionOptions connection = parse(
                "--bootstrap-servers",
                "broker:9093",
                "--schema-registry-url",
                "http://registry:8081",
                "--security-config",
                security.toString(),
                "--topic-prefix",
                "staging.",
                "--kafka-property",
                "client.id=from-the-operator",
                "--kafka-property",
                "security.protocol=SASL_SSL");

        Map<String, Object> config = connection.clientConfig(Map.of("client.id", "fuseflow-test", "acks", "all"));

        assertThat(config)
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("schema.registry.url", "http://registry:8081")
                .containsEntry("acks", "all")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("client.id", "from-the-operator")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(connection.topics().preferences().name()).isEqualTo("staging.fuseflow.preferences.v1");
        assertThat(connection.security()).isSameAs(connection.security());
    }

    @Test
    void withoutOptionsItIsAPlaintextLocalConnection() {
        ConnectionOptions connection = parse();
        Map<String, Object> config = connection.clientConfig(Map.of());
        assertThat(config)
                .containsEntry("schema.registry.url", connection.schemaRegistryUrl())
                .containsEntry("bootstrap.servers", connection.bootstrapServers())
                .doesNotContainKey("sasl.jaas.config");
        assertThat(connection.topics().generations().name()).isEqualTo("fuseflow.generations.v1");
        assertThat(connection.kafkaProperties()).isEmpty();
    }

    @Test
    void aKafkaPropertyThatNamesAConnectionSettingIsRefusedNamingBoth() {
        ConnectionOptions connection = parse("--kafka-property", "bootstrap.servers=elsewhere:9092");
        assertThatThrownBy(() -> connection.clientConfig(Map.of()))
                .hasMessage("--kafka-property bootstrap.servers conflicts with --bootstrap-servers (bootstrap.servers,"
                        + " FUSEFLOW_BOOTSTRAP_SERVERS): use that option instead");
        assertThatThrownBy(() -> parse("--kafka-property", "schema.registry.url=http://elsewhere")
                        .kafkaProperties())
                .hasMessageStartingWith("--kafka-property schema.registry.url conflicts with --schema-registry-url");
    }

    @Test
    void withTheProviderEveryCommandReadsTheSameVariablesAndFile(@TempDir Path dir) throws Exception {
        Path file = Files.write(
                dir.resolve("ops.properties"),
                List.of("schema.registry.url=http://file:8081", "fuseflow.topics.prefix=f."));
        ConfiguredCommand command = new ConfiguredCommand();
        String[] args = {"--config", file.toString()};
        CommandLines.configure(new CommandLine(command), args, Map.of("FUSEFLOW_BOOTSTRAP_SERVERS", "env:9092"))
                .parseArgs(args);
        assertThat(command.connection.bootstrapServers()).isEqualTo("env:9092");
        assertThat(command.connection.schemaRegistryUrl()).isEqualTo("http://file:8081");
        assertThat(command.connection.topics().feedback().name()).isEqualTo("f.fuseflow.feedback.v1");
    }

    @Test
    void theAnnotationsDefaultsForCommandLinesWithoutTheProviderAreTheDeclarations() throws Exception {
        // Until the trainer uses SettingsDefaultProvider, these keep its FUSEFLOW_BOOTSTRAP_SERVERS working.
        for (Setting<String> own : ConnectionOptions.OWN) {
            String field = own == SharedSettings.BOOTSTRAP_SERVERS ? "bootstrapServers" : "schemaRegistryUrl";
            Option option = ConnectionOptions.class.getDeclaredField(field).getAnnotation(Option.class);
            assertThat(option.defaultValue())
                    .isEqualTo("${" + own.envName() + ":-" + own.defaultText().orElseThrow() + "}");
            assertThat(option.descriptionKey()).isEqualTo(own.key());
        }
    }
}
