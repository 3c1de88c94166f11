package dev.fuseflow.schemas.topics;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.PreferenceSample;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.TopicConfig;

/**
 * FuseFlow's topics and their settings, in one place. Every component takes its topic names from
 * here; {@link #fromConfig} lets a deployment rename them or change partitions.
 *
 * @param generations   GenerationEvent, key prompt id
 * @param feedback      FeedbackEvent, key prompt id
 * @param preferences   PreferenceSample, key prompt id; kept long enough for the trainer to replay
 *                      from its oldest retained checkpoint
 * @param deadLetters   DeadLetter, key the original key
 * @param modelVersions ModelVersion, key model name; compacted, with a compaction lag that keeps a
 *                      week of history readable
 */
public record FuseFlowTopics(
        TopicSpec generations,
        TopicSpec feedback,
        TopicSpec preferences,
        TopicSpec deadLetters,
        TopicSpec modelVersions) {

    /** Prefix of the config keys read by {@link #fromConfig}, e.g. {@code fuseflow.topics.preferences.name}. */
    public static final String CONFIG_PREFIX = "fuseflow.topics.";

    private static final int EVENT_PARTITIONS = 6;

    /** The defaults docs/design.md names: {@code fuseflow.<kind>.v1}. */
    public static FuseFlowTopics defaults() {
        return new FuseFlowTopics(
                new TopicSpec(
                        "fuseflow.generations.v1",
                        EVENT_PARTITIONS,
                        Optional.empty(),
                        deleteAfter(Duration.ofDays(7)),
                        GenerationEvent.class),
                new TopicSpec(
                        "fuseflow.feedback.v1",
                        EVENT_PARTITIONS,
                        Optional.empty(),
                        deleteAfter(Duration.ofDays(7)),
                        FeedbackEvent.class),
                new TopicSpec(
                        "fuseflow.preferences.v1",
                        EVENT_PARTITIONS,
                        Optional.empty(),
                        deleteAfter(Duration.ofDays(30)),
                        PreferenceSample.class),
                new TopicSpec(
                        "fuseflow.dlq.v1", 3, Optional.empty(), deleteAfter(Duration.ofDays(30)), DeadLetter.class),
                new TopicSpec(
                        "fuseflow.model-versions.v1",
                        1,
                        Optional.empty(),
                        Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT,
                                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                                String.valueOf(Duration.ofDays(7).toMillis())),
                        ModelVersion.class));
    }

    /**
     * Defaults overridden by {@code fuseflow.topics.<kind>.name}, {@code .partitions} and
     * {@code .replication.factor}, where kind is generations, feedback, preferences, dlq or
     * model-versions.
     */
    public static FuseFlowTopics fromConfig(Map<String, String> config) {
        FuseFlowTopics d = defaults();
        return new FuseFlowTopics(
                override(d.generations, "generations", config),
                override(d.feedback, "feedback", config),
                override(d.preferences, "preferences", config),
                override(d.deadLetters, "dlq", config),
                override(d.modelVersions, "model-versions", config));
    }

    public List<TopicSpec> all() {
        return List.of(generations, feedback, preferences, deadLetters, modelVersions);
    }

    /** Every topic renamed, e.g. with a per-test prefix. */
    public FuseFlowTopics renamed(UnaryOperator<String> rename) {
        return new FuseFlowTopics(
                generations.withName(rename.apply(generations.name())),
                feedback.withName(rename.apply(feedback.name())),
                preferences.withName(rename.apply(preferences.name())),
                deadLetters.withName(rename.apply(deadLetters.name())),
                modelVersions.withName(rename.apply(modelVersions.name())));
    }

    private static Map<String, String> deleteAfter(Duration retention) {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                String.valueOf(retention.toMillis()));
    }

    private static TopicSpec override(TopicSpec spec, String kind, Map<String, String> config) {
        String prefix = CONFIG_PREFIX + kind + ".";
        TopicSpec result = spec;
        String name = config.get(prefix + "name");
        if (name != null) {
            result = result.withName(name.trim());
        }
        String partitions = config.get(prefix + "partitions");
        if (partitions != null) {
            result = result.withPartitions(parse(prefix + "partitions", partitions));
        }
        String replication = config.get(prefix + "replication.factor");
        if (replication != null) {
            result = result.withReplicationFactor((short) parse(prefix + "replication.factor", replication));
        }
        return result;
    }

    private static int parse(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'", e);
        }
    }
}
