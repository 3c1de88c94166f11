package dev.fuseflow.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.embedded.kafka.BrokerProperties;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.embedded.registry.RegistryConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

    private static final Path DIR = Path.of("target/unused");

    @Test
    void brokerConfigRequiresADataDir() {
        assertThatThrownBy(() -> new KafkaBrokerConfig(null, 0, 0, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dataDir");
    }

    @Test
    void brokerPortsMustBeValidAndDistinct() {
        assertThatThrownBy(() -> new KafkaBrokerConfig(DIR, 70_000, 0, null, null))
                .hasMessage("port must be 0 (any free port) or 1-65535, got 70000");
        assertThatThrownBy(() -> new KafkaBrokerConfig(DIR, 9092, 9092, null, null))
                .hasMessage("port and controllerPort must differ, both are 9092");
    }

    @Test
    void brokerPropertiesAreSingleNodeSafeAndOverridable() {
        Properties p =
                BrokerProperties.of(KafkaBrokerConfig.at(DIR).withOverrides(Map.of("num.partitions", "3")), 1111, 2222);
        assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:1111,CONTROLLER://127.0.0.1:2222");
        assertThat(p.getProperty("transaction.state.log.replication.factor")).isEqualTo("1");
        assertThat(p.getProperty("transaction.state.log.min.isr")).isEqualTo("1");
        assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
        assertThat(p.getProperty("group.initial.rebalance.delay.ms")).isEqualTo("0");
        assertThat(p.getProperty("num.partitions")).isEqualTo("3");
    }

    @Test
    void registryCompatibilityMustBeAKnownLevel() {
        assertThatThrownBy(() -> new RegistryConfig(DIR, 0, 0, "SIDEWAYS", null, null))
                .hasMessageContaining("compatibility must be one of")
                .hasMessageContaining("'SIDEWAYS'");
        assertThat(RegistryConfig.at(DIR).compatibility()).isEqualTo("BACKWARD");
    }

    @Test
    void brokerModeParsesFriendlyNamesAndNamesTheChoicesOtherwise() {
        assertThat(BrokerMode.parse("child-process")).isEqualTo(BrokerMode.CHILD_PROCESS);
        assertThat(BrokerMode.parse(" In-Process ")).isEqualTo(BrokerMode.IN_PROCESS);
        assertThatThrownBy(() -> BrokerMode.parse("cloud"))
                .hasMessageContaining("in-process, child-process, container, auto")
                .hasMessageContaining("'cloud'");
    }
}
