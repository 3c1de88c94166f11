package dev.fuseflow.producers.gateway;

import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.schemas.security.ClientSecurity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's settings: built-in defaults, then a properties file, then {@code FUSEFLOW_*}
 * environment variables, then {@code --set key=value}; validated at start.
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
 * @param clientProperties     {@code kafka.*} settings passed to the producer and registry client (prefix removed)
 */
public record GatewayConfig(String host, int port, String bootstrapServers, String schemaRegistryUrl, int maxBodyBytes,
                            int maxBatchLines, int maxTextBytes, Duration ackTimeout, Duration retryAfter, Duration drainTimeout,
                            String topicPrefix, Map<String, String> clientProperties) {

    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("gateway.host", "0.0.0.0");
        d.put("gateway.port", "8088");
        d.put("kafka.bootstrap.servers", "localhost:9092");
        d.put("schema.registry.url", "http://localhost:8081");
        d.put("gateway.max-body-bytes", "1048576");
        d.put("gateway.max-batch-lines", "1000");
        d.put("fuseflow.validation.max-text-bytes", "65536");
        d.put("gateway.ack-timeout", "10s");
        d.put("gateway.retry-after", "5s");
        d.put("gateway.drain-timeout", "30s");
        d.put("fuseflow.topics.prefix", "");
        d.putAll(ClientSecurity.DEFAULTS);
        return d;
    }

    public GatewayConfig {
        require(port >= 0 && port <= 65_535, "gateway.port must be in [0, 65535], got " + port);
        require(maxBodyBytes >= 1_024, "gateway.max-body-bytes must be at least 1024, got " + maxBodyBytes);
        require(maxBatchLines >= 1, "gateway.max-batch-lines must be >= 1, got " + maxBatchLines);
        require(maxTextBytes >= 1, "fuseflow.validation.max-text-bytes must be >= 1, got " + maxTextBytes);
        require(!ackTimeout.isNegative() && !ackTimeout.isZero(), "gateway.ack-timeout must be positive, got " + ackTimeout);
        require(!drainTimeout.isNegative(), "gateway.drain-timeout must not be negative, got " + drainTimeout);
        clientProperties = Map.copyOf(clientProperties);
    }

    public static GatewayConfig from(Settings s) {
        Map<String, String> client = new LinkedHashMap<>(ClientSecurity.from(s.asMap()).clientProperties());
        client.putAll(s.withPrefix("kafka."));
        client.remove("bootstrap.servers");
        return new GatewayConfig(s.string("gateway.host"), s.integer("gateway.port"), s.string("kafka.bootstrap.servers"),
                s.string("schema.registry.url"), s.integer("gateway.max-body-bytes"), s.integer("gateway.max-batch-lines"),
                s.integer("fuseflow.validation.max-text-bytes"), s.duration("gateway.ack-timeout"), s.duration("gateway.retry-after"),
                s.duration("gateway.drain-timeout"), s.optional("fuseflow.topics.prefix").orElse(""), client);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
