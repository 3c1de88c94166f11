package dev.fuseflow.embedded.kafka;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of an embedded single-node KRaft broker.
 *
 * @param dataDir        where the broker keeps its logs and metadata; reused (with its cluster id)
 *                       when it already holds a formatted broker
 * @param port           client listener port on 127.0.0.1; 0 picks a free one
 * @param controllerPort KRaft controller listener port on 127.0.0.1; 0 picks a free one
 * @param overrides      broker properties that replace the defaults of {@link BrokerProperties}
 * @param jvmOptions     options of the child JVM, when the broker runs in one
 * @param security       a SASL_SSL/SCRAM listener with ACLs instead of PLAINTEXT
 */
public record KafkaBrokerConfig(
        Path dataDir,
        int port,
        int controllerPort,
        Map<String, String> overrides,
        List<String> jvmOptions,
        Optional<BrokerSecurity> security) {

    /** Heap and GC suited to a test broker on a 2-core machine. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC");

    public KafkaBrokerConfig {
        Objects.requireNonNull(dataDir, "dataDir must be set: the folder the broker keeps its logs in");
        requirePort("port", port);
        requirePort("controllerPort", controllerPort);
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
        }
        overrides = Map.copyOf(Objects.requireNonNullElse(overrides, Map.of()));
        jvmOptions = List.copyOf(Objects.requireNonNullElse(jvmOptions, DEFAULT_JVM_OPTIONS));
        security = Objects.requireNonNullElse(security, Optional.empty());
    }

    public KafkaBrokerConfig(
            Path dataDir, int port, int controllerPort, Map<String, String> overrides, List<String> jvmOptions) {
        this(dataDir, port, controllerPort, overrides, jvmOptions, Optional.empty());
    }

    /** Free ports, default broker settings, data under {@code dataDir}. */
    public static KafkaBrokerConfig at(Path dataDir) {
        return new KafkaBrokerConfig(dataDir, 0, 0, Map.of(), null);
    }

    public KafkaBrokerConfig withPorts(int newPort, int newControllerPort) {
        return new KafkaBrokerConfig(dataDir, newPort, newControllerPort, overrides, jvmOptions, security);
    }

    public KafkaBrokerConfig withOverrides(Map<String, String> newOverrides) {
        return new KafkaBrokerConfig(dataDir, port, controllerPort, newOverrides, jvmOptions, security);
    }

    public KafkaBrokerConfig withSecurity(BrokerSecurity newSecurity) {
        return new KafkaBrokerConfig(dataDir, port, controllerPort, overrides, jvmOptions, Optional.of(newSecurity));
    }

    /** Client settings that reach this broker: none for PLAINTEXT, the admin's SASL_SSL settings when secured. */
    public Map<String, Object> adminClientProperties() {
        return security.map(BrokerSecurity::adminClientProperties).orElse(Map.of());
    }

    private static void requirePort(String name, int value) {
        if (value < 0 || value > 65_535) {
            throw new IllegalArgumentException(name + " must be 0 (any free port) or 1-65535, got " + value);
        }
    }
}
