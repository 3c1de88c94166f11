package dev.fuseflow.producers.gateway;

import dev.fuseflow.producers.gateway.access.AccessConfig;
import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.runtime.config.SharedSettings;
import dev.fuseflow.schemas.security.ClientSecurity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The gateway's settings, declared in {@link GatewaySettings}: defaults, then a properties file,
 * then {@code FUSEFLOW_*} environment variables, then {@code --set key=value}; validated at start
 * by the declarations' rules.
 *
 * @param host                 interface to listen on
 * @param port                 HTTP port (0: any free port)
 * @param bootstrapServers     Kafka brokers
 * @param schemaRegistryUrl    registry URL(s)
 * @param maxBodyBytes         larger request bodies get 413
 * @param maxBatchLines        larger NDJSON batches get 413
 * @param maxTextBytes         the contract's text limit per response and prompt
 * @param ackTimeout           how long a request waits for the broker before 503
 * @param retryAfter           the Retry-After advice of a 503
 * @param drainTimeout         how long a shutdown waits for requests in flight
 * @param topicPrefix          prefix of every topic name (staging, tests)
 * @param clientProperties     the security settings' client properties, then the {@code kafka.*} passthrough (prefix removed)
 * @param access               who may call the gateway and how: API keys, rate limit, CORS, TLS
 */
// More than eight components: built from the declared settings by key (from()).
@SuppressWarnings("checkstyle:RecordComponentNumber")
public record GatewayConfig(
        String host,
        int port,
        String bootstrapServers,
        String schemaRegistryUrl,
        int maxBodyBytes,
        int maxBatchLines,
        int maxTextBytes,
        Duration ackTimeout,
        Duration retryAfter,
        Duration drainTimeout,
        String topicPrefix,
        Map<String, String> clientProperties,
        AccessConfig access) {

    /** Every key with a default, and the default: {@link GatewaySettings#ALL}'s. */
    public static final Map<String, String> DEFAULTS = GatewaySettings.ALL.defaults();

    public GatewayConfig {
        GatewaySettings.PORT.require(port);
        GatewaySettings.MAX_BODY_BYTES.require(maxBodyBytes);
        GatewaySettings.MAX_BATCH_LINES.require(maxBatchLines);
        SharedSettings.MAX_TEXT_BYTES.require(maxTextBytes);
        GatewaySettings.ACK_TIMEOUT.require(ackTimeout);
        GatewaySettings.RETRY_AFTER.require(retryAfter);
        GatewaySettings.DRAIN_TIMEOUT.require(drainTimeout);
        clientProperties = Map.copyOf(clientProperties);
        Objects.requireNonNull(access, "access");
    }

    /** This configuration with other access rules (tests: keys, limits, TLS). */
    public GatewayConfig withAccess(AccessConfig other) {
        return new GatewayConfig(
                host,
                port,
                bootstrapServers,
                schemaRegistryUrl,
                maxBodyBytes,
                maxBatchLines,
                maxTextBytes,
                ackTimeout,
                retryAfter,
                drainTimeout,
                topicPrefix,
                clientProperties,
                other);
    }

    public static GatewayConfig from(Settings s) {
        Map<String, String> client =
                new LinkedHashMap<>(ClientSecurity.from(s.asMap()).clientProperties());
        client.putAll(s.passthrough("kafka.", GatewaySettings.ALL, GatewaySettings.CLAIMS));
        return new GatewayConfig(
                s.get(GatewaySettings.HOST),
                s.get(GatewaySettings.PORT),
                s.get(GatewaySettings.BOOTSTRAP_SERVERS),
                s.get(SharedSettings.SCHEMA_REGISTRY_URL),
                s.get(GatewaySettings.MAX_BODY_BYTES),
                s.get(GatewaySettings.MAX_BATCH_LINES),
                s.get(SharedSettings.MAX_TEXT_BYTES),
                s.get(GatewaySettings.ACK_TIMEOUT),
                s.get(GatewaySettings.RETRY_AFTER),
                s.get(GatewaySettings.DRAIN_TIMEOUT),
                s.get(SharedSettings.TOPIC_PREFIX),
                client,
                AccessConfig.from(s));
    }
}
