package dev.fuseflow.runtime.config;

import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.topics.TopicSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings more than one component takes, declared once: where the broker and the registry
 * are, the topics, the contract's text limit and the security settings. A component lists the
 * groups it takes in its {@link SettingSet}; the command-line tools bind them to the options of
 * {@link ConnectionOptions}. The {@code *_KEY} constants exist for {@code @Option(descriptionKey = ...)}.
 */
public final class SharedSettings {

    public static final String BOOTSTRAP_SERVERS_KEY = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL_KEY = "schema.registry.url";
    public static final String TOPIC_PREFIX_KEY = "fuseflow.topics.prefix";
    public static final String SECURITY_CONFIG_KEY = "fuseflow.security.config";
    public static final String MAX_TEXT_BYTES_KEY = "fuseflow.validation.max-text-bytes";

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.string(
            BOOTSTRAP_SERVERS_KEY, "localhost:9092", "Kafka bootstrap servers, host:port[,host:port...].");
    public static final Setting<String> SCHEMA_REGISTRY_URL = Setting.string(
            SCHEMA_REGISTRY_URL_KEY,
            "http://localhost:8081",
            "Schema Registry (Confluent API) URL; a comma-separated list fails over.");
    public static final Setting<String> TOPIC_PREFIX = Setting.string(
            TOPIC_PREFIX_KEY, "", "Prefix of every FuseFlow topic name, if the deployment uses one (staging, tests).");
    public static final Setting<Path> SECURITY_CONFIG = Setting.path(
            SECURITY_CONFIG_KEY,
            null,
            "Properties file with the fuseflow.security.* settings (SASL/SCRAM user, TLS truststore, registry basic auth);"
                    + " FUSEFLOW_SECURITY_* variables override it.");
    public static final Setting<Integer> MAX_TEXT_BYTES = Setting.integer(
                    MAX_TEXT_BYTES_KEY, 65_536, "Largest prompt (all messages) or response accepted, in UTF-8 bytes.")
            .must(Check.atLeast(1));

    /** Where the broker and the registry are, and the topic prefix. */
    public static final List<Setting<?>> CONNECTION = List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, TOPIC_PREFIX);

    /** The {@code fuseflow.security.*} settings; their rules live in {@link ClientSecurity}, which apps use too. */
    public static final List<Setting<?>> SECURITY = security();

    /** {@code fuseflow.topics.<kind>.name|partitions|replication.factor}, read by {@link FuseFlowTopics#fromConfig}. */
    public static final List<Setting<?>> TOPICS = topics();

    private SharedSettings() {}

    /** The topics of {@link #TOPICS} (each value checked) under the prefix of {@link #TOPIC_PREFIX}. */
    public static FuseFlowTopics topics(Settings settings) {
        TOPICS.forEach(settings::optional); // each parsed and checked by its declaration, the message naming the key
        String prefix = settings.get(TOPIC_PREFIX);
        return FuseFlowTopics.fromConfig(settings.asMap()).renamed(name -> prefix + name);
    }

    private static List<Setting<?>> security() {
        Map<String, String> doc = new LinkedHashMap<>();
        doc.put(ClientSecurity.PROTOCOL, "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.");
        doc.put(ClientSecurity.SASL_MECHANISM, "SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN.");
        doc.put(ClientSecurity.SASL_USERNAME, "The component's principal (SASL).");
        doc.put(ClientSecurity.SASL_PASSWORD, "Its password.");
        doc.put(ClientSecurity.SASL_PASSWORD_FILE, "A file holding the password instead (a mounted secret).");
        doc.put(ClientSecurity.TRUSTSTORE, "CA of the brokers (PKCS12 or JKS).");
        doc.put(ClientSecurity.TRUSTSTORE_PASSWORD, "Password of that truststore.");
        doc.put(ClientSecurity.KEYSTORE, "Client certificate, for mutual TLS.");
        doc.put(ClientSecurity.KEYSTORE_PASSWORD, "Password of that keystore (and its key).");
        doc.put(ClientSecurity.REGISTRY_USER_INFO, "user:password for the registry's basic auth.");
        doc.put(ClientSecurity.REGISTRY_TRUSTSTORE, "CA of an https registry.");
        doc.put(ClientSecurity.REGISTRY_TRUSTSTORE_PASSWORD, "Password of that truststore.");
        List<Setting<?>> settings = new ArrayList<>();
        doc.forEach((key, text) -> settings.add(Setting.string(key, ClientSecurity.DEFAULTS.get(key), text)));
        return List.copyOf(settings);
    }

    private static List<Setting<?>> topics() {
        FuseFlowTopics defaults = FuseFlowTopics.defaults();
        Map<String, TopicSpec> kinds = new LinkedHashMap<>();
        kinds.put("generations", defaults.generations());
        kinds.put("feedback", defaults.feedback());
        kinds.put("preferences", defaults.preferences());
        kinds.put("dlq", defaults.deadLetters());
        kinds.put("model-versions", defaults.modelVersions());
        List<Setting<?>> settings = new ArrayList<>();
        kinds.forEach((kind, spec) -> {
            String prefix = FuseFlowTopics.CONFIG_PREFIX + kind + ".";
            String type = spec.valueType().getSimpleName();
            settings.add(Setting.string(
                    prefix + "name", spec.name(), "Name of the " + type + " topic (before the prefix)."));
            settings.add(Setting.integer(prefix + "partitions", spec.partitions(), "Partitions it is created with.")
                    .must(Check.atLeast(1)));
            settings.add(Setting.of(
                            prefix + "replication.factor",
                            SettingType.INTEGER,
                            spec.replicationFactor().map(String::valueOf).orElse(null),
                            "Replication it is created with (unset: the broker's" + " default.replication.factor).")
                    .must(Check.atLeast(1)));
        });
        return List.copyOf(settings);
    }
}
