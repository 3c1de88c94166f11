package dev.fuseflow.streams.config;

import dev.fuseflow.runtime.config.Check;
import dev.fuseflow.runtime.config.Setting;
import dev.fuseflow.runtime.config.SettingSet;
import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.runtime.config.SharedSettings;
import dev.fuseflow.runtime.ops.OpsHttpServer;
import dev.fuseflow.runtime.security.ComponentAccess;
import dev.fuseflow.schemas.validation.EventValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every setting of the stream-processor application, declared once: Kafka Streams' own under
 * their own names ({@code num.stream.threads}, not a FuseFlow rename), FuseFlow's topology,
 * scoring, weight and emission settings under {@code fuseflow.*}. Their defaults are the only
 * ones: {@code ScoringPolicy.DEFAULT}, {@code TopologySettings.defaults} and docs/configuration.md
 * read them from here, and the records' compact constructors enforce the rules declared here.
 */
public final class StreamProcessorSettings {

    /** The rule of every per-kind scoring weight. */
    private static final Check<Double> WEIGHT = Check.finiteAtLeast(0);

    // Kafka Streams', under Streams' names.
    public static final Setting<String> APPLICATION_ID = Setting.string(
                    StreamsConfig.APPLICATION_ID_CONFIG,
                    ComponentAccess.defaults().streamsApplicationId(),
                    "Kafka Streams application id: the consumer group, and the prefix"
                            + " of the internal topics and transactional ids.")
            .alias("fuseflow.streams.application-id");
    public static final Setting<Path> STATE_DIR = Setting.path(
                    StreamsConfig.STATE_DIR_CONFIG, "data/stream-processors", "Where RocksDB keeps the prompt state.")
            .alias("fuseflow.streams.state-dir");
    public static final Setting<Integer> NUM_STREAM_THREADS = Setting.integer(
                    StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1, "Stream threads per instance.")
            .must(Check.atLeast(1))
            .alias("fuseflow.streams.threads");
    public static final Setting<Integer> NUM_STANDBY_REPLICAS = Setting.integer(
                    StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                    0,
                    "Warm copies of the prompt state on other instances, so that failover needs no restore.")
            .must(Check.atLeast(0))
            .alias("fuseflow.streams.standby-replicas");
    public static final Setting<Long> COMMIT_INTERVAL_MS = Setting.longValue(
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                    100,
                    "How often transactions commit, in milliseconds: the floor of event-to-sample latency (the exactly-once default).")
            .must(Check.atLeast(1L))
            .alias("fuseflow.streams.commit-interval", StreamProcessorSettings::millis);
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer(
                    StreamsConfig.REPLICATION_FACTOR_CONFIG,
                    -1,
                    "Replication of the changelog and repartition topics (-1: the broker's default).")
            .must(Check.that("be -1 (broker default) or >= 1", factor -> factor == -1 || factor >= 1))
            .alias("fuseflow.streams.replication-factor");
    public static final Setting<Integer> ROCKSDB_MEMORY_MIB = Setting.integer(
                    "fuseflow.rocksdb.memory-mib",
                    256,
                    "Off-heap memory all RocksDB stores of the process share, in MiB: block cache, memtables (half at most),"
                            + " index and filter blocks. Heap plus this plus the JVM's own overhead must fit the container's"
                            + " memory limit.")
            .must(Check.atLeast(16));

    // Where the broker and the registry are: the shared settings with this application's defaults.
    public static final Setting<String> BOOTSTRAP_SERVERS =
            SharedSettings.BOOTSTRAP_SERVERS.withDefault("127.0.0.1:9092");
    public static final Setting<String> SCHEMA_REGISTRY_URL =
            SharedSettings.SCHEMA_REGISTRY_URL.withDefault("http://127.0.0.1:8081/apis/ccompat/v7");

    public static final Setting<String> METRICS_HOST = Setting.string(
            "fuseflow.metrics.host",
            OpsHttpServer.LOOPBACK,
            "Interface of /metrics and /health: this host only by default; 0.0.0.0 for every interface (a container).");
    public static final Setting<Integer> METRICS_PORT = Setting.integer(
                    "fuseflow.metrics.port",
                    9404,
                    "Port of /metrics (Prometheus) and /health; -1: off, 0: any free port.")
            .must(Check.that("be -1 (off), 0 (any) or a port", port -> port >= -1 && port <= 65_535));

    // How signals become rewards (ScoringPolicy).
    public static final Setting<Double> WEIGHT_REWARD_MODEL = Setting.decimal(
                    "fuseflow.scoring.weight.reward-model",
                    1.0,
                    "Weight of reward-model scores in a response's reward.")
            .must(WEIGHT);
    public static final Setting<Double> WEIGHT_RATING = Setting.decimal(
                    "fuseflow.scoring.weight.rating", 1.0, "Weight of ratings.")
            .must(WEIGHT);
    public static final Setting<Double> WEIGHT_THUMBS = Setting.decimal(
                    "fuseflow.scoring.weight.thumbs", 1.0, "Weight of thumbs.")
            .must(WEIGHT);
    public static final Setting<Double> WEIGHT_PAIRWISE = Setting.decimal(
                    "fuseflow.scoring.weight.pairwise", 1.0, "Weight of pairwise choices.")
            .must(WEIGHT);
    public static final Setting<Double> THUMBS_UP = Setting.decimal(
                    "fuseflow.scoring.thumbs-up", 1.0, "Reward of a thumbs-up (above thumbs-down).")
            .must(Check.that("be finite", Double::isFinite));
    public static final Setting<Double> THUMBS_DOWN = Setting.decimal(
                    "fuseflow.scoring.thumbs-down", -1.0, "Reward of a thumbs-down.")
            .must(Check.that("be finite", Double::isFinite));
    public static final Setting<Double> BRADLEY_TERRY_PRIOR = Setting.decimal(
                    "fuseflow.scoring.bradley-terry.prior",
                    1.0,
                    "Virtual wins and losses against the reference response in the pairwise fit.")
            .must(Check.that("be a positive number of virtual games", prior -> prior > 0 && Double.isFinite(prior)));
    public static final Setting<Integer> BRADLEY_TERRY_ITERATIONS = Setting.integer(
                    "fuseflow.scoring.bradley-terry.iterations", 100, "Iterations of the pairwise fit.")
            .must(Check.that("be at least 1", iterations -> iterations >= 1));

    // How evidence becomes a sample weight (WeightPolicy).
    public static final Setting<Double> HALF_CONFIDENCE_SIGNALS = Setting.decimal(
                    "fuseflow.weight.half-confidence-signals",
                    2.0,
                    "Signals at which the confidence factor is one half.")
            .must(Check.above(0));
    public static final Setting<Double> FULL_WEIGHT_GAP = Setting.decimal(
                    "fuseflow.weight.full-weight-gap", 1.0, "Reward gap from which the clarity factor is 1.")
            .must(Check.above(0));
    public static final Setting<Double> MIN_WEIGHT = Setting.decimal(
                    "fuseflow.weight.min", 0.05, "Smallest weight a sample gets.")
            .must(Check.that("lie in (0, 1]", weight -> weight > 0 && weight <= 1));

    // When a prompt yields a sample (EmissionPolicy).
    public static final Setting<Double> MIN_REWARD_GAP = Setting.decimal(
                    "fuseflow.emission.min-reward-gap", 0.1, "y_wt's reward minus y_l's must reach this.")
            .must(Check.finiteAtLeast(0));
    public static final Setting<Integer> MAX_VERSION_LAG = Setting.integer(
                    "fuseflow.emission.max-version-lag",
                    2,
                    "TARGET responses from more versions than this behind the newest published one are not on-policy: left out.")
            .must(Check.atLeast(0));

    // Windows and bounds of the topology (TopologySettings).
    public static final Setting<Integer> MAX_TEXT_BYTES = SharedSettings.MAX_TEXT_BYTES;
    public static final Setting<Duration> REFERENCE_WINDOW = Setting.duration(
                    "fuseflow.windows.reference",
                    "10m",
                    "Feedback naming a response that has not arrived within this time (stream time) is dead-lettered as"
                            + " UNKNOWN_REFERENCE.")
            .must(Check.positive());
    public static final Setting<Duration> INACTIVITY_WINDOW = Setting.duration(
                    "fuseflow.windows.inactivity",
                    "1h",
                    "A prompt without new events for this long (stream time) is forgotten; not shorter than the reference window.")
            .must(Check.positive());
    public static final Setting<Duration> LATE_RETENTION = Setting.duration(
                    "fuseflow.windows.late-retention",
                    "1d",
                    "How long (stream time) a forgotten prompt is remembered, so that its events are dead-lettered as LATE.")
            .must(Check.positive());
    public static final Setting<Duration> PUNCTUATION_INTERVAL = Setting.duration(
                    "fuseflow.windows.punctuation-interval",
                    "5s",
                    "How often (wall clock) the store is swept for the two windows.")
            .must(Check.positive());
    public static final Setting<Integer> MAX_EVENTS_PER_PROMPT = Setting.integer(
                    "fuseflow.limits.max-events-per-prompt",
                    200,
                    "Events a prompt may hold; more are dead-lettered as TOO_LARGE, so that its state fits one changelog record.")
            .must(Check.that("be at least 3 (a sample needs three responses)", events -> events >= 3));
    public static final Setting<Integer> MAX_OUTPUT_BYTES = Setting.integer(
                    "fuseflow.limits.max-output-bytes",
                    900_000,
                    "Largest serialized sample; a larger one is dead-lettered as TOO_LARGE, since a record the broker refuses would"
                            + " abort the transaction on every retry.")
            .must(Check.that("be at least 1024", bytes -> bytes >= 1024));
    public static final Setting<Duration> MAX_FUTURE_SKEW = Setting.duration(
                    "fuseflow.limits.max-future-skew",
                    EventValidator.DEFAULT_MAX_FUTURE_SKEW.toMinutes() + "m",
                    "How far ahead of the wall clock a record's timestamp or createdAt may lie; further is dead-lettered as"
                            + " FUTURE_TIMESTAMP before it moves stream time.")
            .must(Check.positive());

    /** Every setting of the application, in the reference's order. */
    public static final SettingSet ALL = SettingSet.of(
            "fuseflow-stream-processors",
            Map.of(
                    "kafka.",
                    "every Kafka client of the application (Kafka Streams' own settings, and its clients' under Streams'"
                            + " consumer., producer. and admin. prefixes)",
                    "serde.",
                    "the Avro serdes and their registry client"),
            List.of(
                    APPLICATION_ID,
                    STATE_DIR,
                    NUM_STREAM_THREADS,
                    NUM_STANDBY_REPLICAS,
                    COMMIT_INTERVAL_MS,
                    REPLICATION_FACTOR,
                    ROCKSDB_MEMORY_MIB,
                    BOOTSTRAP_SERVERS,
                    SCHEMA_REGISTRY_URL,
                    SharedSettings.TOPIC_PREFIX,
                    METRICS_HOST,
                    METRICS_PORT),
            List.of(
                    WEIGHT_REWARD_MODEL,
                    WEIGHT_RATING,
                    WEIGHT_THUMBS,
                    WEIGHT_PAIRWISE,
                    THUMBS_UP,
                    THUMBS_DOWN,
                    BRADLEY_TERRY_PRIOR,
                    BRADLEY_TERRY_ITERATIONS,
                    HALF_CONFIDENCE_SIGNALS,
                    FULL_WEIGHT_GAP,
                    MIN_WEIGHT,
                    MIN_REWARD_GAP,
                    MAX_VERSION_LAG),
            List.of(
                    MAX_TEXT_BYTES,
                    REFERENCE_WINDOW,
                    INACTIVITY_WINDOW,
                    LATE_RETENTION,
                    PUNCTUATION_INTERVAL,
                    MAX_EVENTS_PER_PROMPT,
                    MAX_OUTPUT_BYTES,
                    MAX_FUTURE_SKEW),
            SharedSettings.TOPICS,
            SharedSettings.SECURITY);

    private StreamProcessorSettings() {}

    /** The old {@code fuseflow.streams.commit-interval} took a duration ({@code 100ms}); {@code commit.interval.ms} takes milliseconds. */
    private static String millis(String duration) {
        return String.valueOf(Settings.parseDuration(duration).toMillis());
    }
}
