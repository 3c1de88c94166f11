package dev.fuseflow.streams.app;

import static dev.fuseflow.streams.config.StreamProcessorSettings.ALL;
import static dev.fuseflow.streams.config.StreamProcessorSettings.APPLICATION_ID;
import static dev.fuseflow.streams.config.StreamProcessorSettings.BOOTSTRAP_SERVERS;
import static dev.fuseflow.streams.config.StreamProcessorSettings.BRADLEY_TERRY_ITERATIONS;
import static dev.fuseflow.streams.config.StreamProcessorSettings.BRADLEY_TERRY_PRIOR;
import static dev.fuseflow.streams.config.StreamProcessorSettings.COMMIT_INTERVAL_MS;
import static dev.fuseflow.streams.config.StreamProcessorSettings.FULL_WEIGHT_GAP;
import static dev.fuseflow.streams.config.StreamProcessorSettings.HALF_CONFIDENCE_SIGNALS;
import static dev.fuseflow.streams.config.StreamProcessorSettings.INACTIVITY_WINDOW;
import static dev.fuseflow.streams.config.StreamProcessorSettings.LATE_RETENTION;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_EVENTS_PER_PROMPT;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_FUTURE_SKEW;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_OUTPUT_BYTES;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_TEXT_BYTES;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MAX_VERSION_LAG;
import static dev.fuseflow.streams.config.StreamProcessorSettings.METRICS_HOST;
import static dev.fuseflow.streams.config.StreamProcessorSettings.METRICS_PORT;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MIN_REWARD_GAP;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MIN_WEIGHT;
import static dev.fuseflow.streams.config.StreamProcessorSettings.NUM_STANDBY_REPLICAS;
import static dev.fuseflow.streams.config.StreamProcessorSettings.NUM_STREAM_THREADS;
import static dev.fuseflow.streams.config.StreamProcessorSettings.PUNCTUATION_INTERVAL;
import static dev.fuseflow.streams.config.StreamProcessorSettings.REFERENCE_WINDOW;
import static dev.fuseflow.streams.config.StreamProcessorSettings.REPLICATION_FACTOR;
import static dev.fuseflow.streams.config.StreamProcessorSettings.ROCKSDB_MEMORY_MIB;
import static dev.fuseflow.streams.config.StreamProcessorSettings.SCHEMA_REGISTRY_URL;
import static dev.fuseflow.streams.config.StreamProcessorSettings.STATE_DIR;
import static dev.fuseflow.streams.config.StreamProcessorSettings.THUMBS_DOWN;
import static dev.fuseflow.streams.config.StreamProcessorSettings.THUMBS_UP;
import static dev.fuseflow.streams.config.StreamProcessorSettings.WEIGHT_PAIRWISE;
import static dev.fuseflow.streams.config.StreamProcessorSettings.WEIGHT_RATING;
import static dev.fuseflow.streams.config.StreamProcessorSettings.WEIGHT_REWARD_MODEL;
import static dev.fuseflow.streams.config.StreamProcessorSettings.WEIGHT_THUMBS;

import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.runtime.config.SharedSettings;
import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.streams.config.StreamProcessorSettings;
import dev.fuseflow.streams.pairing.EmissionPolicy;
import dev.fuseflow.streams.pairing.WeightPolicy;
import dev.fuseflow.streams.scoring.ScoringPolicy;
import dev.fuseflow.streams.topology.TopologySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the stream-processor application, declared in {@link StreamProcessorSettings} and
 * listed in docs/configuration.md. Built from {@link Settings} (defaults, config file,
 * {@code FUSEFLOW_*} environment, {@code --set}) and validated by the declarations' rules, so
 * that a bad value fails at start with a message naming the key.
 *
 * @param kafkaClientSettings the security settings' client properties, then the {@code kafka.*} passthrough (prefix removed)
 * @param serdeSettings       the registry's security properties, the {@code serde.*} passthrough and the registry URL
 */
// More than eight components: built in one place, from the declared settings by key (from()).
@SuppressWarnings("checkstyle:RecordComponentNumber")
public record StreamProcessorConfig(
        String applicationId,
        String bootstrapServers,
        Path stateDir,
        int standbyReplicas,
        int streamThreads,
        Duration commitInterval,
        int replicationFactor,
        int rocksDbMemoryMib,
        String metricsHost,
        int metricsPort,
        Map<String, String> kafkaClientSettings,
        Map<String, String> serdeSettings,
        TopologySettings topology) {

    /** Every key with a default, and the default: {@link StreamProcessorSettings#ALL}'s. */
    public static final Map<String, String> DEFAULTS = ALL.defaults();

    public StreamProcessorConfig {
        Objects.requireNonNull(applicationId, "application id");
        Objects.requireNonNull(bootstrapServers, "bootstrap servers");
        Objects.requireNonNull(metricsHost, "metrics host");
        NUM_STANDBY_REPLICAS.require(standbyReplicas);
        NUM_STREAM_THREADS.require(streamThreads);
        COMMIT_INTERVAL_MS.require(commitInterval.toMillis());
        REPLICATION_FACTOR.require(replicationFactor);
        ROCKSDB_MEMORY_MIB.require(rocksDbMemoryMib);
        METRICS_PORT.require(metricsPort);
        kafkaClientSettings = Map.copyOf(kafkaClientSettings);
        serdeSettings = Map.copyOf(serdeSettings);
    }

    public static StreamProcessorConfig from(Settings s) {
        TopologySettings topology = topology(
                s,
                scoring(s),
                new WeightPolicy(s.get(HALF_CONFIDENCE_SIGNALS), s.get(FULL_WEIGHT_GAP), s.get(MIN_WEIGHT)),
                new EmissionPolicy(s.get(MIN_REWARD_GAP), s.get(MAX_VERSION_LAG)));
        ClientSecurity security = ClientSecurity.from(s.asMap());
        Map<String, String> serde = new LinkedHashMap<>(security.registryProperties());
        serde.putAll(s.passthrough("serde.", ALL, Map.of()));
        serde.put(SCHEMA_REGISTRY_URL.key(), s.get(SCHEMA_REGISTRY_URL));
        Map<String, String> kafka = new LinkedHashMap<>(security.kafkaProperties());
        kafka.putAll(s.passthrough("kafka.", ALL, Map.of()));
        return new StreamProcessorConfig(
                s.get(APPLICATION_ID),
                s.get(BOOTSTRAP_SERVERS),
                s.get(STATE_DIR),
                s.get(NUM_STANDBY_REPLICAS),
                s.get(NUM_STREAM_THREADS),
                Duration.ofMillis(s.get(COMMIT_INTERVAL_MS)),
                s.get(REPLICATION_FACTOR),
                s.get(ROCKSDB_MEMORY_MIB),
                s.get(METRICS_HOST),
                s.get(METRICS_PORT),
                kafka,
                serde,
                topology);
    }

    private static ScoringPolicy scoring(Settings s) {
        double rewardModel = s.get(WEIGHT_REWARD_MODEL);
        double rating = s.get(WEIGHT_RATING);
        double thumbs = s.get(WEIGHT_THUMBS);
        double pairwise = s.get(WEIGHT_PAIRWISE);
        double up = s.get(THUMBS_UP);
        double down = s.get(THUMBS_DOWN);
        double prior = s.get(BRADLEY_TERRY_PRIOR);
        int iterations = s.get(BRADLEY_TERRY_ITERATIONS);
        return Settings.relating(
                () -> new ScoringPolicy(rewardModel, rating, thumbs, pairwise, up, down, prior, iterations),
                THUMBS_UP,
                THUMBS_DOWN);
    }

    private static TopologySettings topology(
            Settings s, ScoringPolicy scoring, WeightPolicy weights, EmissionPolicy emission) {
        int maxTextBytes = s.get(MAX_TEXT_BYTES);
        Duration reference = s.get(REFERENCE_WINDOW);
        Duration inactivity = s.get(INACTIVITY_WINDOW);
        Duration lateRetention = s.get(LATE_RETENTION);
        Duration punctuation = s.get(PUNCTUATION_INTERVAL);
        int maxEvents = s.get(MAX_EVENTS_PER_PROMPT);
        int maxOutput = s.get(MAX_OUTPUT_BYTES);
        Duration maxFutureSkew = s.get(MAX_FUTURE_SKEW);
        var topics = SharedSettings.topics(s);
        return Settings.relating(
                () -> new TopologySettings(
                        topics,
                        scoring,
                        weights,
                        emission,
                        maxTextBytes,
                        reference,
                        inactivity,
                        lateRetention,
                        punctuation,
                        maxEvents,
                        maxOutput,
                        maxFutureSkew),
                INACTIVITY_WINDOW,
                REFERENCE_WINDOW);
    }
}
