package dev.fuseflow.ops.cli;

import dev.fuseflow.schemas.security.SecurityOptions;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the cluster is: shared by every ops command (picocli mixin). */
public final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", defaultValue = "${FUSEFLOW_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", defaultValue = "${FUSEFLOW_SCHEMA_REGISTRY_URL:-http://localhost:8081}",
            description = "Schema Registry (Confluent API) URL (default: ${DEFAULT-VALUE}).")
    String schemaRegistryUrl;

    @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of FuseFlow's topic names, if the deployment uses one.")
    String topicPrefix;

    @Option(names = "--kafka-property", description = "Any client setting key=value; it wins over --security-config (repeatable).")
    Map<String, String> kafkaProperties = new HashMap<>();

    @Mixin
    SecurityOptions securityOptions = new SecurityOptions();

    /** Client settings for Admin and group-less consumers, with the registry URL for the Avro deserializer. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(securityOptions.security().clientProperties());
        config.putAll(Map.of("bootstrap.servers", bootstrapServers, "schema.registry.url",
                schemaRegistryUrl, "specific.avro.reader", true, "client.id", "fuseflow-ops"));
        config.putAll(kafkaProperties);
        return config;
    }

    public FuseFlowTopics topics() {
        return FuseFlowTopics.defaults().renamed(name -> topicPrefix + name);
    }
}
