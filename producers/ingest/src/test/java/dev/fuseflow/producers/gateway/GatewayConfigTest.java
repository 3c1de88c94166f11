package dev.fuseflow.producers.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.runtime.config.Settings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void sharedSecuritySettingsReachTheProducerAndRawKafkaSettingsWin() {
        GatewayConfig config = GatewayConfig.from(Settings.load(GatewayConfig.DEFAULTS, Optional.empty(),
                Map.of("FUSEFLOW_SECURITY_PROTOCOL", "SASL_SSL", "FUSEFLOW_SECURITY_SASL_USERNAME", "fuseflow-gateway",
                        "FUSEFLOW_SECURITY_SASL_PASSWORD", "pw", "FUSEFLOW_SECURITY_REGISTRY_USER_INFO", "gateway:reg"),
                Map.of("kafka.sasl.mechanism", "SCRAM-SHA-256")));
        assertThat(config.clientProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256").containsEntry("basic.auth.user.info", "gateway:reg")
                .hasEntrySatisfying("sasl.jaas.config", jaas -> assertThat(jaas).contains("username=\"fuseflow-gateway\""))
                .doesNotContainKey("bootstrap.servers");
    }
}
