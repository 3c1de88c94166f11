package dev.fuseflow.runtime.config;

import dev.fuseflow.runtime.security.SecurityOptions;
import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the broker and the registry are and how to reach them: the connection options every
 * FuseFlow command that talks to Kafka shares (a picocli mixin). Client settings are layered as
 * security first, then the command's own, then {@code --kafka-property}, which wins.
 */
public final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", defaultValue = "${FUSEFLOW_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", defaultValue = "${FUSEFLOW_SCHEMA_REGISTRY_URL:-http://localhost:8081}",
            description = "Schema Registry (Confluent API) URL (default: ${DEFAULT-VALUE}).")
    String schemaRegistryUrl;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of FuseFlow's topic names, if the deployment uses one.")
    String topicPrefix;

    @Option(names = "--kafka-property",
            description = "Any Kafka or registry client setting key=value; it wins over --security-config (repeatable).")
    Map<String, String> kafkaProperties = new HashMap<>();

    @Mixin
    SecurityOptions securityOptions = new SecurityOptions();

    private ClientSecurity security;

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** The {@code --kafka-property} settings, for clients built by a builder rather than from a map. */
    public Map<String, String> kafkaProperties() {
        return Map.copyOf(kafkaProperties);
    }

    /** The security settings, read and validated on first use (a bad one fails the command at start) and then kept. */
    public ClientSecurity security() {
        if (security == null) {
            security = securityOptions.security();
        }
        return security;
    }

    /** Security, bootstrap servers and registry URL, then {@code settings}, then {@code --kafka-property}. */
    public Map<String, Object> clientConfig(Map<String, ?> settings) {
        Map<String, Object> config = new HashMap<>(security().clientProperties());
        config.put("bootstrap.servers", bootstrapServers);
        config.put("schema.registry.url", schemaRegistryUrl);
        config.putAll(settings);
        config.putAll(kafkaProperties);
        return config;
    }

    /** FuseFlow's topics under the deployment's prefix. */
    public FuseFlowTopics topics() {
        return FuseFlowTopics.defaults().renamed(name -> topicPrefix + name);
    }
}
