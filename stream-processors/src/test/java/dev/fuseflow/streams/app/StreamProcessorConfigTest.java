package dev.fuseflow.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.runtime.config.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamProcessorConfigTest {

    private static StreamProcessorConfig with(Map<String, String> changes) {
        Map<String, String> values = new HashMap<>(StreamProcessorConfig.DEFAULTS);
        values.putAll(changes);
        return StreamProcessorConfig.from(Settings.of(values));
    }

    @Test
    void defaultsAreValid() {
        StreamProcessorConfig config = with(Map.of());
        assertThat(config.applicationId()).isEqualTo("fuseflow-preferences");
        assertThat(config.topology().emission().minRewardGap()).isEqualTo(0.1);
        assertThat(config.topology().inactivityWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(config.topology().topics().preferences().name()).isEqualTo("fuseflow.preferences.v1");
    }

    @Test
    void environmentOverridesDefaults() {
        Settings settings = Settings.load(StreamProcessorConfig.DEFAULTS, Optional.empty(),
                Map.of("FUSEFLOW_EMISSION_MIN_REWARD_GAP", "0.4", "FUSEFLOW_BOOTSTRAP_SERVERS", "kafka:9093"), Map.of());
        StreamProcessorConfig config = StreamProcessorConfig.from(settings);
        assertThat(config.topology().emission().minRewardGap()).isEqualTo(0.4);
        assertThat(config.bootstrapServers()).isEqualTo("kafka:9093");
    }

    @Test
    void clientAndSerdeSettingsPassThrough() {
        StreamProcessorConfig config = with(Map.of("kafka.security.protocol", "SASL_SSL",
                "serde.basic.auth.credentials.source", "USER_INFO"));
        assertThat(config.kafkaClientSettings()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.serdeSettings()).containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsKey("schema.registry.url");
    }

    @Test
    void sharedSecuritySettingsFromTheEnvironmentReachTheClientsAndTheSerde() {
        Settings settings = Settings.load(StreamProcessorConfig.DEFAULTS, Optional.empty(), Map.of("FUSEFLOW_SECURITY_PROTOCOL", "SASL_SSL",
                "FUSEFLOW_SECURITY_SASL_USERNAME", "fuseflow-streams", "FUSEFLOW_SECURITY_SASL_PASSWORD", "pw",
                "FUSEFLOW_SECURITY_REGISTRY_USER_INFO", "streams:reg"), Map.of());
        StreamProcessorConfig config = StreamProcessorConfig.from(settings);
        assertThat(config.kafkaClientSettings()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").hasEntrySatisfying("sasl.jaas.config",
                        jaas -> assertThat(jaas).contains("username=\"fuseflow-streams\""));
        assertThat(config.serdeSettings()).containsEntry("basic.auth.user.info", "streams:reg")
                .containsEntry("basic.auth.credentials.source", "USER_INFO");
        assertThatThrownBy(() -> StreamProcessorConfig.from(Settings.load(StreamProcessorConfig.DEFAULTS, Optional.empty(),
                Map.of("FUSEFLOW_SECURITY_PROTOCOL", "SASL_SSL"), Map.of())))
                .hasMessageContaining("fuseflow.security.sasl.username");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> with(Map.of("fuseflow.streams.threads", "0")))
                .hasMessage("fuseflow.streams.threads must be >= 1, got 0");
        assertThatThrownBy(() -> with(Map.of("fuseflow.windows.inactivity", "1s")))
                .hasMessageContaining("inactivity window PT1S must not be shorter than the reference window PT10M");
        assertThatThrownBy(() -> with(Map.of("fuseflow.weight.min", "0")))
                .hasMessage("minimum weight must lie in (0, 1], got 0.0");
        assertThatThrownBy(() -> with(Map.of("fuseflow.emission.max-version-lag", "many")))
                .hasMessage("fuseflow.emission.max-version-lag must be a whole number, got 'many'");
    }
}
