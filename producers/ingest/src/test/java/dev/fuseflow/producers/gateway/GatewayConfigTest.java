package dev.fuseflow.producers.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.runtime.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigTest {

    @Test
    void sharedSecuritySettingsReachTheProducerAndRawKafkaSettingsWin() {
        GatewayConfig config = GatewayConfig.from(Settings.load(
                GatewayConfig.DEFAULTS,
                Optional.empty(),
                Map.of(
                        "FUSEFLOW_SECURITY_PROTOCOL",
                        "SASL_SSL",
                        "FUSEFLOW_SECURITY_SASL_USERNAME",
                        "fuseflow-gateway",
                        "FUSEFLOW_SECURITY_SASL_PASSWORD",
                        "pw",
                        "FUSEFLOW_SECURITY_REGISTRY_USER_INFO",
                        "gateway:reg"),
                Map.of("kafka.sasl.mechanism", "SCRAM-SHA-256")));
        assertThat(config.clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("basic.auth.user.info", "gateway:reg")
                .hasEntrySatisfying(
                        "sasl.jaas.config", jaas -> assertThat(jaas).contains("username=\"fuseflow-gateway\""))
                .doesNotContainKey("bootstrap.servers");
    }

    private static GatewayConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> set) {
        return GatewayConfig.from(Settings.load(GatewaySettings.ALL, file, env, set));
    }

    @Test
    void fileThenEnvironmentThenSetByTheOneRule(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(
                dir.resolve("gateway.properties"),
                "gateway.port=9000\nbootstrap.servers=file:9092\n" + "gateway.ack-timeout=3s\nkafka.linger.ms=5\n");
        GatewayConfig config = load(
                Optional.of(file),
                Map.of(
                        "FUSEFLOW_BOOTSTRAP_SERVERS",
                        "env:9092",
                        "FUSEFLOW_GATEWAY_HOST",
                        "0.0.0.0",
                        "FUSEFLOW_KAFKA_LINGER_MS",
                        "50",
                        "FUSEFLOW_VALIDATION_MAX_TEXT_BYTES",
                        "4096"),
                Map.of("gateway.port", "9001"));
        assertThat(config.port()).as("--set over file").isEqualTo(9001);
        assertThat(config.bootstrapServers()).as("environment over file").isEqualTo("env:9092");
        assertThat(config.host()).as("environment over the declared 127.0.0.1").isEqualTo("0.0.0.0");
        assertThat(config.ackTimeout()).as("file over default").isEqualTo(Duration.ofSeconds(3));
        assertThat(config.maxTextBytes()).isEqualTo(4096);
        assertThat(config.schemaRegistryUrl()).as("declared default").isEqualTo("http://localhost:8081");
        assertThat(config.clientProperties()).containsEntry("linger.ms", "50");
    }

    @Test
    void byDefaultTheGatewayListensOnThisHostOnly() {
        assertThat(load(Optional.empty(), Map.of(), Map.of()).host()).isEqualTo("127.0.0.1");
    }

    @Test
    void theOldBootstrapKeyAndItsVariableStillWork() {
        assertThat(load(Optional.empty(), Map.of(), Map.of("kafka.bootstrap.servers", "old:9092"))
                        .bootstrapServers())
                .isEqualTo("old:9092");
        GatewayConfig fromEnv =
                load(Optional.empty(), Map.of("FUSEFLOW_KAFKA_BOOTSTRAP_SERVERS", "old-env:9092"), Map.of());
        assertThat(fromEnv.bootstrapServers()).isEqualTo("old-env:9092");
        assertThat(fromEnv.clientProperties()).doesNotContainKey("bootstrap.servers");
    }

    @Test
    void aPassthroughKeyThatNamesSomethingTheGatewaySetsIsRefusedNamingBoth() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("kafka.max.block.ms", "1000")))
                .hasMessage(
                        "kafka.max.block.ms conflicts with max.block.ms, which FuseFlow sets from gateway.ack-timeout"
                                + " (FUSEFLOW_GATEWAY_ACK_TIMEOUT): remove kafka.max.block.ms");
        assertThatThrownBy(
                        () -> load(Optional.empty(), Map.of(), Map.of("kafka.schema.registry.url", "http://elsewhere")))
                .hasMessageStartingWith(
                        "kafka.schema.registry.url conflicts with FuseFlow's setting schema.registry.url");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "gateway.port|70000|gateway.port must be in [0, 65535], got 70000",
                "gateway.max-body-bytes|100|gateway.max-body-bytes must be in [1024, 67108864], got 100",
                "gateway.max-batch-lines|0|gateway.max-batch-lines must be >= 1, got 0",
                "gateway.ack-timeout|0s|gateway.ack-timeout must be a positive duration, got PT0S",
                "gateway.retry-after|-1s|gateway.retry-after must not be negative, got PT-1S",
                "gateway.drain-timeout|-1s|gateway.drain-timeout must not be negative, got PT-1S",
                "fuseflow.validation.max-text-bytes|0|fuseflow.validation.max-text-bytes must be >= 1, got 0",
            })
    void everyRuleNamesTheKeyAndTheAllowedValues(String key, String value, String message) {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of(key, value)))
                .hasMessage(message);
    }

    @Test
    void aMisspeltKeyIsRefused() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("gateway.prot", "1")))
                .hasMessageStartingWith("gateway.prot in --set is not a setting of fuseflow-gateway");
    }

    @Test
    void helpListsEverySettingWithItsVariableAndDefault() {
        StringWriter out = new StringWriter();
        GatewayCommand.commandLine(new String[0], Map.of()).usage(new PrintWriter(out));
        assertThat(out.toString())
                .contains(
                        "gateway.port = 8088  (FUSEFLOW_GATEWAY_PORT)",
                        "bootstrap.servers = localhost:9092",
                        "kafka.*  passed to the gateway's producer and registry client");
    }
}
