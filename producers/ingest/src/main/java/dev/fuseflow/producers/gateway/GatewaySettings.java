package dev.fuseflow.producers.gateway;

import dev.fuseflow.producers.gateway.access.AccessSettings;
import dev.fuseflow.runtime.config.Check;
import dev.fuseflow.runtime.config.Setting;
import dev.fuseflow.runtime.config.SettingSet;
import dev.fuseflow.runtime.config.SharedSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Every setting of the HTTP gateway, declared once; {@link GatewayConfig} is built from them. */
public final class GatewaySettings {

    public static final Setting<String> HOST = Setting.string(
            "gateway.host",
            "127.0.0.1",
            "Interface to listen on: this host only by default; 0.0.0.0 for every interface (behind a proxy or in a container).");
    public static final Setting<Integer> PORT = Setting.integer("gateway.port", 8088, "HTTP port (0: any free port).")
            .must(Check.between(0, 65_535));
    public static final Setting<String> BOOTSTRAP_SERVERS =
            SharedSettings.BOOTSTRAP_SERVERS.alias("kafka.bootstrap.servers");
    public static final Setting<Integer> MAX_BODY_BYTES = Setting.integer(
                    "gateway.max-body-bytes",
                    1_048_576,
                    "Larger request bodies get 413, chunked ones too (counted while they stream in).")
            .must(Check.between(1_024, 67_108_864));
    public static final Setting<Integer> MAX_BATCH_LINES = Setting.integer(
                    "gateway.max-batch-lines", 1_000, "Larger NDJSON batches get 413.")
            .must(Check.atLeast(1));
    public static final Setting<Duration> ACK_TIMEOUT = Setting.duration(
                    "gateway.ack-timeout",
                    "10s",
                    "How long a request waits for the broker's acknowledgement before 503 (the producer's max.block.ms too).")
            .must(Check.positive());
    public static final Setting<Duration> RETRY_AFTER = Setting.duration(
                    "gateway.retry-after", "5s", "The Retry-After advice of a 503.")
            .must(Check.notNegative());
    public static final Setting<Duration> DRAIN_TIMEOUT = Setting.duration(
                    "gateway.drain-timeout", "30s", "How long a shutdown (SIGTERM) waits for requests in flight.")
            .must(Check.notNegative());

    /** Client settings the gateway derives from its own, which {@code kafka.*} may not name. */
    static final Map<String, String> CLAIMS =
            Map.of("max.block.ms", "from " + ACK_TIMEOUT.key() + " (" + ACK_TIMEOUT.envName() + ")");

    /** Every setting of the gateway, in the reference's order. */
    public static final SettingSet ALL = SettingSet.of(
            "fuseflow-gateway",
            Map.of("kafka.", "the gateway's producer and registry client"),
            List.of(
                    HOST,
                    PORT,
                    BOOTSTRAP_SERVERS,
                    SharedSettings.SCHEMA_REGISTRY_URL,
                    SharedSettings.TOPIC_PREFIX,
                    MAX_BODY_BYTES,
                    MAX_BATCH_LINES,
                    SharedSettings.MAX_TEXT_BYTES,
                    ACK_TIMEOUT,
                    RETRY_AFTER,
                    DRAIN_TIMEOUT),
            AccessSettings.ALL,
            SharedSettings.SECURITY);

    private GatewaySettings() {}
}
