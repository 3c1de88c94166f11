package dev.fuseflow.producers.client;

import dev.fuseflow.schemas.registry.RegistryClientConfig;
import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.validation.EventValidator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Settings of a {@link FeedbackClient}, with defaults tuned for many small events: an idempotent
 * producer with acks=all, zstd compression, 20 ms linger and 256 KiB batches. Security settings
 * pass through to the Kafka client and the registry client; {@link #property} passes anything else.
 */
public final class FeedbackClientBuilder {

    private String bootstrapServers;
    private String schemaRegistryUrl;
    private String clientId = "fuseflow-feedback-client";
    private Duration maxBlock = Duration.ofSeconds(5);
    private Duration deliveryTimeout = Duration.ofMinutes(2);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private int maxTextBytes = 65_536;
    private boolean autoRegisterSchemas = true;
    private FuseFlowTopics topics = FuseFlowTopics.defaults();
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private final Map<String, Object> properties = new HashMap<>();

    FeedbackClientBuilder() {}

    public FeedbackClientBuilder bootstrapServers(String servers) {
        this.bootstrapServers = servers;
        return this;
    }

    public FeedbackClientBuilder schemaRegistryUrl(String url) {
        this.schemaRegistryUrl = url;
        return this;
    }

    public FeedbackClientBuilder clientId(String id) {
        this.clientId = id;
        return this;
    }

    /** The longest a send may block the caller (waiting for metadata or buffer space) before its future fails. */
    public FeedbackClientBuilder maxBlock(Duration bound) {
        this.maxBlock = bound;
        return this;
    }

    /** How long an accepted event is retried (e.g. while the broker is down) before its future fails. */
    public FeedbackClientBuilder deliveryTimeout(Duration timeout) {
        this.deliveryTimeout = timeout;
        return this;
    }

    /** How long {@link FeedbackClient#close()} waits for pending events. */
    public FeedbackClientBuilder closeTimeout(Duration timeout) {
        this.closeTimeout = timeout;
        return this;
    }

    /** Largest response, and largest prompt (all messages together), in UTF-8 bytes; as the stream processors' limit. */
    public FeedbackClientBuilder maxTextBytes(int bytes) {
        this.maxTextBytes = bytes;
        return this;
    }

    /** Whether the serializer registers the event schemas itself (the default) or only looks them up. */
    public FeedbackClientBuilder autoRegisterSchemas(boolean register) {
        this.autoRegisterSchemas = register;
        return this;
    }

    public FeedbackClientBuilder topics(FuseFlowTopics names) {
        this.topics = names;
        return this;
    }

    /** Where the client's meters go (default: Micrometer's global registry). */
    public FeedbackClientBuilder meterRegistry(MeterRegistry registry) {
        this.meterRegistry = registry;
        return this;
    }

    /** SASL/SCRAM authentication: {@code SASL_SSL} or {@code SASL_PLAINTEXT}, {@code SCRAM-SHA-256} or {@code -512}. */
    public FeedbackClientBuilder saslScram(
            String securityProtocol, String mechanism, String username, String password) {
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
        properties.put(SaslConfigs.SASL_MECHANISM, mechanism);
        properties.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + username
                        + "\" password=\"" + password + "\";");
        return this;
    }

    /** TLS to the broker, trusting the certificates of a truststore (PKCS12 or JKS). */
    public FeedbackClientBuilder tlsTruststore(String location, String password, String type) {
        properties.putIfAbsent(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, location);
        properties.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, password);
        properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, type);
        return this;
    }

    /** HTTP basic authentication to the schema registry. */
    public FeedbackClientBuilder registryBasicAuth(String username, String password) {
        properties.put(RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO");
        properties.put(RegistryClientConfig.USER_INFO, username + ":" + password);
        return this;
    }

    /** SASL, TLS and registry authentication from FuseFlow's shared security settings ({@code fuseflow.security.*}). */
    public FeedbackClientBuilder security(ClientSecurity security) {
        properties.putAll(security.clientProperties());
        return this;
    }

    /** Any other Kafka producer or registry client setting, passed through as is (it wins over the defaults). */
    public FeedbackClientBuilder property(String key, Object value) {
        properties.put(key, value);
        return this;
    }

    public FeedbackClient build() {
        require(
                bootstrapServers != null && !bootstrapServers.isBlank(),
                "bootstrapServers is required, e.g. \"kafka:9092\"");
        require(
                schemaRegistryUrl != null && !schemaRegistryUrl.isBlank(),
                "schemaRegistryUrl is required, e.g. \"http://registry:8081\"");
        require(clientId != null && !clientId.isBlank(), "clientId must not be blank");
        require(positive(maxBlock), "maxBlock must be a positive duration, got " + maxBlock);
        require(
                positive(deliveryTimeout) && deliveryTimeout.compareTo(Duration.ofSeconds(1)) >= 0,
                "deliveryTimeout must be at least 1 s, got " + deliveryTimeout);
        require(
                closeTimeout != null && !closeTimeout.isNegative(),
                "closeTimeout must not be negative, got " + closeTimeout);
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return FeedbackClient.create(
                producerConfig(), new EventValidator(maxTextBytes), topics, meterRegistry, clientId, closeTimeout);
    }

    Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
        int requestTimeout = (int) Math.min(30_000, deliveryTimeout.toMillis() - 20);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                Math.max(deliveryTimeout.toMillis(), requestTimeout + 20L));
        // Kafka 4's default, rebootstrap, forgets the cluster's metadata once no broker answers; every
        // send then blocks for max.block.ms and fails. Keeping the metadata lets events wait in the
        // buffer during an outage and go out when the brokers return (measured in FeedbackClientTest).
        config.put(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class);
        config.put(RegistryClientConfig.URL, schemaRegistryUrl);
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, autoRegisterSchemas);
        config.putAll(properties);
        return config;
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("FeedbackClient: " + message);
        }
    }
}
