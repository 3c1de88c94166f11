package dev.fuseflow.embedded.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the embedded Apicurio Registry.
 *
 * @param dataDir        where the registry keeps its H2 database (schemas survive a restart) and log
 * @param port           HTTP port on 127.0.0.1; 0 picks a free one
 * @param managementPort Quarkus management port on 127.0.0.1; 0 picks a free one
 * @param compatibility  global compatibility level set after start (Apicurio's default is NONE)
 * @param systemProperties extra Quarkus/Apicurio settings, e.g. authentication
 * @param jvmOptions     options of the registry JVM
 */
public record RegistryConfig(
        Path dataDir,
        int port,
        int managementPort,
        String compatibility,
        Map<String, String> systemProperties,
        List<String> jvmOptions) {

    public static final String DEFAULT_COMPATIBILITY = "BACKWARD";
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final List<String> LEVELS = List.of(
            "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");

    public RegistryConfig {
        Objects.requireNonNull(dataDir, "dataDir must be set: the folder the registry keeps its database in");
        compatibility = Objects.requireNonNullElse(compatibility, DEFAULT_COMPATIBILITY);
        if (!LEVELS.contains(compatibility)) {
            throw new IllegalArgumentException(
                    "compatibility must be one of " + LEVELS + ", got '" + compatibility + "'");
        }
        for (int p : new int[] {port, managementPort}) {
            if (p < 0 || p > 65_535) {
                throw new IllegalArgumentException("registry ports must be 0 (any free port) or 1-65535, got " + p);
            }
        }
        systemProperties = Map.copyOf(Objects.requireNonNullElse(systemProperties, Map.of()));
        jvmOptions = List.copyOf(Objects.requireNonNullElse(jvmOptions, DEFAULT_JVM_OPTIONS));
    }

    /** Free ports, BACKWARD compatibility, data under {@code dataDir}. */
    public static RegistryConfig at(Path dataDir) {
        return new RegistryConfig(dataDir, 0, 0, DEFAULT_COMPATIBILITY, Map.of(), null);
    }
}
