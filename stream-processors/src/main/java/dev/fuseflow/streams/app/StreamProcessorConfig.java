package dev.fuseflow.streams.app;

import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
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
 * Settings of the stream-processor application, each documented in the README table of the same
 * keys. Built from {@link Settings} (defaults, config file, {@code FUSEFLOW_*} environment), and
 * validated here so that a bad value fails at start with a message naming the key.
 */
public record StreamProcessorConfig(String applicationId, String bootstrapServers, Path stateDir, int standbyReplicas,
                                    int streamThreads, Duration commitInterval, int replicationFactor, int metricsPort,
                                    Map<String, String> kafkaClientSettings, Map<String, String> serdeSettings,
                                    TopologySettings topology) {

    /** Every key with its default; README lists them. */
    public static final Map<String, String> DEFAULTS = defaults();

    public StreamProcessorConfig {
        Objects.requireNonNull(applicationId, "application id");
        Objects.requireNonNull(bootstrapServers, "bootstrap servers");
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("fuseflow.streams.standby-replicas must be >= 0, got " + standbyReplicas);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("fuseflow.streams.threads must be >= 1, got " + streamThreads);
        }
        if (replicationFactor < -1 || replicationFactor == 0) {
            throw new IllegalArgumentException("fuseflow.streams.replication-factor must be -1 (broker default) or >= 1, got "
                    + replicationFactor);
        }
        if (metricsPort < -1 || metricsPort > 65_535) {
            throw new IllegalArgumentException("fuseflow.metrics.port must be -1 (off), 0 (any) or a port, got " + metricsPort);
        }
        kafkaClientSettings = Map.copyOf(kafkaClientSettings);
        serdeSettings = Map.copyOf(serdeSettings);
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("bootstrap.servers", "127.0.0.1:9092");
        d.put("schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7");
        d.put("fuseflow.streams.application-id", "fuseflow-preferences");
        d.put("fuseflow.streams.state-dir", "data/stream-processors");
        d.put("fuseflow.streams.standby-replicas", "0");
        d.put("fuseflow.streams.threads", "1");
        d.put("fuseflow.streams.commit-interval", "100ms");
        d.put("fuseflow.streams.replication-factor", "-1");
        d.put("fuseflow.metrics.port", "9404");
        FuseFlowTopics topics = FuseFlowTopics.defaults();
        d.put("fuseflow.topics.generations.name", topics.generations().name());
        d.put("fuseflow.topics.feedback.name", topics.feedback().name());
        d.put("fuseflow.topics.preferences.name", topics.preferences().name());
        d.put("fuseflow.topics.dlq.name", topics.deadLetters().name());
        d.put("fuseflow.topics.model-versions.name", topics.modelVersions().name());
        d.put("fuseflow.scoring.weight.reward-model", "1.0");
        d.put("fuseflow.scoring.weight.rating", "1.0");
        d.put("fuseflow.scoring.weight.thumbs", "1.0");
        d.put("fuseflow.scoring.weight.pairwise", "1.0");
        d.put("fuseflow.scoring.thumbs-up", "1.0");
        d.put("fuseflow.scoring.thumbs-down", "-1.0");
        d.put("fuseflow.scoring.bradley-terry.prior", "1.0");
        d.put("fuseflow.scoring.bradley-terry.iterations", "100");
        d.put("fuseflow.weight.half-confidence-signals", "2.0");
        d.put("fuseflow.weight.full-weight-gap", "1.0");
        d.put("fuseflow.weight.min", "0.05");
        d.put("fuseflow.emission.min-reward-gap", "0.1");
        d.put("fuseflow.emission.max-version-lag", "2");
        d.put("fuseflow.validation.max-text-bytes", "65536");
        d.put("fuseflow.windows.reference", "10m");
        d.put("fuseflow.windows.inactivity", "1h");
        d.put("fuseflow.windows.late-retention", "1d");
        d.put("fuseflow.limits.max-events-per-prompt", "200");
        d.put("fuseflow.limits.max-output-bytes", "900000");
        d.put("fuseflow.windows.punctuation-interval", "5s");
        d.putAll(ClientSecurity.DEFAULTS);
        return Map.copyOf(d);
    }

    public static StreamProcessorConfig from(Settings s) {
        TopologySettings topology = new TopologySettings(
                FuseFlowTopics.fromConfig(s.asMap()),
                new ScoringPolicy(s.decimal("fuseflow.scoring.weight.reward-model"), s.decimal("fuseflow.scoring.weight.rating"),
                        s.decimal("fuseflow.scoring.weight.thumbs"), s.decimal("fuseflow.scoring.weight.pairwise"),
                        s.decimal("fuseflow.scoring.thumbs-up"), s.decimal("fuseflow.scoring.thumbs-down"),
                        s.decimal("fuseflow.scoring.bradley-terry.prior"), s.integer("fuseflow.scoring.bradley-terry.iterations")),
                new WeightPolicy(s.decimal("fuseflow.weight.half-confidence-signals"), s.decimal("fuseflow.weight.full-weight-gap"),
                        s.decimal("fuseflow.weight.min")),
                new EmissionPolicy(s.decimal("fuseflow.emission.min-reward-gap"), s.integer("fuseflow.emission.max-version-lag")),
                s.integer("fuseflow.validation.max-text-bytes"),
                s.duration("fuseflow.windows.reference"), s.duration("fuseflow.windows.inactivity"),
                s.duration("fuseflow.windows.late-retention"), s.duration("fuseflow.windows.punctuation-interval"),
                s.integer("fuseflow.limits.max-events-per-prompt"), s.integer("fuseflow.limits.max-output-bytes"));
        ClientSecurity security = ClientSecurity.from(s.asMap());
        Map<String, String> serde = new LinkedHashMap<>(security.registryProperties());
        serde.putAll(s.withPrefix("serde."));
        serde.put("schema.registry.url", s.string("schema.registry.url"));
        Map<String, String> kafka = new LinkedHashMap<>(security.kafkaProperties());
        kafka.putAll(s.withPrefix("kafka."));
        return new StreamProcessorConfig(s.string("fuseflow.streams.application-id"), s.string("bootstrap.servers"),
                Path.of(s.string("fuseflow.streams.state-dir")), s.integer("fuseflow.streams.standby-replicas"),
                s.integer("fuseflow.streams.threads"), s.duration("fuseflow.streams.commit-interval"),
                s.integer("fuseflow.streams.replication-factor"), s.integer("fuseflow.metrics.port"),
                kafka, serde, topology);
    }
}
