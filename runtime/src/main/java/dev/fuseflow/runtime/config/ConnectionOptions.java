package dev.fuseflow.runtime.config;

import dev.fuseflow.runtime.security.SecurityOptions;
import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the broker and the registry are and how to reach them: the connection options every
 * FuseFlow command that talks to Kafka shares (a picocli mixin), bound to the shared settings
 * {@code bootstrap.servers}, {@code schema.registry.url} and {@code fuseflow.topics.prefix}.
 * Client settings are layered as security first, then the command's own, then
 * {@code --kafka-property}; a {@code --kafka-property} that names a setting these options own is
 * refused, never silently applied.
 *
 * <p>The annotations' {@code ${FUSEFLOW_...:-default}} serve command lines built without
 * {@link SettingsDefaultProvider} (the trainer's, until it switches); with it, the provider supplies
 * the same variable, then the file, then the declared default. A test holds them to the declarations.
 */
@Command(resourceBundle = "dev.fuseflow.runtime.config.SharedSettingsHelp")
public final class ConnectionOptions {

    /** The settings these options own, which {@code --kafka-property} may not name. */
    static final List<Setting<String>> OWN =
            List.of(SharedSettings.BOOTSTRAP_SERVERS, SharedSettings.SCHEMA_REGISTRY_URL);

    @Option(
            names = "--bootstrap-servers",
            descriptionKey = SharedSettings.BOOTSTRAP_SERVERS_KEY,
            defaultValue = "${FUSEFLOW_BOOTSTRAP_SERVERS:-localhost:9092}")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            descriptionKey = SharedSettings.SCHEMA_REGISTRY_URL_KEY,
            defaultValue = "${FUSEFLOW_SCHEMA_REGISTRY_URL:-http://localhost:8081}")
    String schemaRegistryUrl;

    @Option(names = "--topic-prefix", descriptionKey = SharedSettings.TOPIC_PREFIX_KEY, defaultValue = "")
    String topicPrefix;

    @Option(
            names = "--kafka-property",
            description =
                    "Any other Kafka or registry client setting key=value (repeatable); it wins over --security-config."
                            + " bootstrap.servers and schema.registry.url are refused: they have options of their own.")
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

    /** The {@code --kafka-property} settings, for clients built by a builder rather than from a map; checked for conflicts. */
    public Map<String, String> kafkaProperties() {
        for (Setting<String> own : OWN) {
            if (kafkaProperties.containsKey(own.key())) {
                throw Settings.conflict(
                        "--kafka-property " + own.key(),
                        "--" + own.key().replace('.', '-') + " (" + own.key() + ", " + own.envName() + ")",
                        "use that option instead");
            }
        }
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
        Map<String, String> passthrough = kafkaProperties();
        Map<String, Object> config = new HashMap<>(security().clientProperties());
        config.put(SharedSettings.BOOTSTRAP_SERVERS_KEY, bootstrapServers);
        config.put(SharedSettings.SCHEMA_REGISTRY_URL_KEY, schemaRegistryUrl);
        config.putAll(settings);
        config.putAll(passthrough);
        return config;
    }

    /** FuseFlow's topics under the deployment's prefix. */
    public FuseFlowTopics topics() {
        return FuseFlowTopics.defaults().renamed(name -> topicPrefix + name);
    }
}
