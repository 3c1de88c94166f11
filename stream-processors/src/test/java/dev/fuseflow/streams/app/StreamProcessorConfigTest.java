package dev.fuseflow.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.streams.config.StreamProcessorSettings;
import dev.fuseflow.streams.scoring.ScoringPolicy;
import dev.fuseflow.streams.topology.TopologySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamProcessorConfigTest {

    private static StreamProcessorConfig with(Map<String, String> changes) {
        Map<String, String> values = new HashMap<>(StreamProcessorConfig.DEFAULTS);
        values.putAll(changes);
        return StreamProcessorConfig.from(Settings.of(values));
    }

    @Test
    void defaultsAreValid() {
        StreamProcessorConfig config = with(Map.of());
        assertThat(config.applicationId()).isEqualTo("fuseflow-preferences");
        assertThat(config.topology().emission().minRewardGap()).isEqualTo(0.1);
        assertThat(config.topology().inactivityWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(config.topology().topics().preferences().name()).isEqualTo("fuseflow.preferences.v1");
    }

    @Test
    void environmentOverridesDefaults() {
        Settings settings = Settings.load(
                StreamProcessorConfig.DEFAULTS,
                Optional.empty(),
                Map.of("FUSEFLOW_EMISSION_MIN_REWARD_GAP", "0.4", "FUSEFLOW_BOOTSTRAP_SERVERS", "kafka:9093"),
                Map.of());
        StreamProcessorConfig config = StreamProcessorConfig.from(settings);
        assertThat(config.topology().emission().minRewardGap()).isEqualTo(0.4);
        assertThat(config.bootstrapServers()).isEqualTo("kafka:9093");
    }

    @Test
    void clientAndSerdeSettingsPassThrough() {
        StreamProcessorConfig config =
                with(Map.of("kafka.security.protocol", "SASL_SSL", "serde.basic.auth.credentials.source", "USER_INFO"));
        assertThat(config.kafkaClientSettings()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.serdeSettings())
                .containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsKey("schema.registry.url");
    }

    @Test
    void sharedSecuritySettingsFromTheEnvironmentReachTheClientsAndTheSerde() {
        Settings settings = Settings.load(
                StreamProcessorConfig.DEFAULTS,
                Optional.empty(),
                Map.of(
                        "FUSEFLOW_SECURITY_PROTOCOL",
                        "SASL_SSL",
                        "FUSEFLOW_SECURITY_SASL_USERNAME",
                        "fuseflow-streams",
                        "FUSEFLOW_SECURITY_SASL_PASSWORD",
                        "pw",
                        "FUSEFLOW_SECURITY_REGISTRY_USER_INFO",
                        "streams:reg"),
                Map.of());
        StreamProcessorConfig config = StreamProcessorConfig.from(settings);
        assertThat(config.kafkaClientSettings())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .hasEntrySatisfying(
                        "sasl.jaas.config", jaas -> assertThat(jaas).contains("username=\"fuseflow-streams\""));
        assertThat(config.serdeSettings())
                .containsEntry("basic.auth.user.info", "streams:reg")
                .containsEntry("basic.auth.credentials.source", "USER_INFO");
        assertThatThrownBy(() -> StreamProcessorConfig.from(Settings.load(
                        StreamProcessorConfig.DEFAULTS,
                        Optional.empty(),
                        Map.of("FUSEFLOW_SECURITY_PROTOCOL", "SASL_SSL"),
                        Map.of())))
                .hasMessageContaining("fuseflow.security.sasl.username");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> with(Map.of("num.stream.threads", "0")))
                .hasMessage("num.stream.threads must be >= 1, got 0");
        assertThatThrownBy(() -> with(Map.of("fuseflow.windows.inactivity", "1s")))
                .hasMessageContaining("inactivity window PT1S must not be shorter than the reference window PT10M");
        assertThatThrownBy(() -> with(Map.of("fuseflow.weight.min", "0")))
                .hasMessage("fuseflow.weight.min must lie in (0, 1], got 0.0");
        assertThatThrownBy(() -> with(Map.of("fuseflow.emission.max-version-lag", "many")))
                .hasMessage("fuseflow.emission.max-version-lag must be a whole number, got 'many'");
    }

    @Test
    void kafkaStreamsSettingsKeepStreamsOwnNames() {
        StreamProcessorConfig config = with(Map.of(
                "num.stream.threads",
                "3",
                "num.standby.replicas",
                "1",
                "commit.interval.ms",
                "250",
                "replication.factor",
                "3",
                "application.id",
                "prefs",
                "state.dir",
                "/tmp/prefs"));
        Properties properties = StreamsProperties.of(config, new SimpleMeterRegistry());
        assertThat(properties)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3)
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 250L)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "prefs")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/tmp/prefs");
    }

    @Test
    void fileThenEnvironmentThenSetByTheOneRule(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(
                dir.resolve("streams.properties"),
                "num.stream.threads=2\nfuseflow.emission.min-reward-gap=0.3\n"
                        + "state.dir=/from/file\nkafka.consumer.session.timeout.ms=6000\n");
        StreamProcessorConfig config = StreamProcessorConfig.from(Settings.load(
                StreamProcessorSettings.ALL,
                Optional.of(file),
                Map.of(
                        "FUSEFLOW_NUM_STREAM_THREADS",
                        "4",
                        "FUSEFLOW_STATE_DIR",
                        "/from/env",
                        "FUSEFLOW_KAFKA_CONSUMER_SESSION_TIMEOUT_MS",
                        "7000",
                        "FUSEFLOW_WINDOWS_REFERENCE",
                        "2m"),
                Map.of("state.dir", "/from/set")));
        assertThat(config.streamThreads()).as("environment over file").isEqualTo(4);
        assertThat(config.topology().emission().minRewardGap())
                .as("file over default")
                .isEqualTo(0.3);
        assertThat(config.stateDir()).as("--set over environment").isEqualTo(Path.of("/from/set"));
        assertThat(config.topology().referenceWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.kafkaClientSettings())
                .as("a passthrough key the file names takes its variable")
                .containsEntry("consumer.session.timeout.ms", "7000");
    }

    @Test
    void theOldRenamedKeysStillWork() {
        StreamProcessorConfig config = with(Map.of(
                "fuseflow.streams.threads",
                "2",
                "fuseflow.streams.commit-interval",
                "250ms",
                "fuseflow.streams.state-dir",
                "/old",
                "fuseflow.streams.application-id",
                "old-app"));
        assertThat(config.streamThreads()).isEqualTo(2);
        assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.stateDir()).isEqualTo(Path.of("/old"));
        assertThat(config.applicationId()).isEqualTo("old-app");
    }

    @Test
    void aPassthroughKeyThatNamesAFuseFlowSettingIsRefusedNamingBoth() {
        assertThatThrownBy(() -> with(Map.of("kafka.num.stream.threads", "8")))
                .hasMessage(
                        "kafka.num.stream.threads conflicts with FuseFlow's setting num.stream.threads (FUSEFLOW_NUM_STREAM_THREADS):"
                                + " set num.stream.threads instead");
        assertThatThrownBy(() -> with(Map.of("serde.schema.registry.url", "http://elsewhere")))
                .hasMessageStartingWith(
                        "serde.schema.registry.url conflicts with FuseFlow's setting schema.registry.url");
    }

    @Test
    void aPassthroughKeyThatNamesAStreamsPropertyFuseFlowFixesIsRefusedAtStart() {
        StreamProcessorConfig config = with(Map.of("kafka.processing.guarantee", "at_least_once"));
        assertThatThrownBy(() -> StreamsProperties.of(config, new SimpleMeterRegistry()))
                .hasMessage(
                        "kafka.processing.guarantee conflicts with processing.guarantee, which FuseFlow sets to exactly_once_v2:"
                                + " remove kafka.processing.guarantee");
        StreamProcessorConfig compression = with(Map.of("kafka.producer.compression.type", "lz4"));
        assertThatThrownBy(() -> StreamsProperties.of(compression, new SimpleMeterRegistry()))
                .hasMessageStartingWith("kafka.producer.compression.type conflicts with producer.compression.type");
    }

    @Test
    void theRecordsDefaultsAreTheDeclarations() {
        StreamProcessorConfig config = with(Map.of());
        assertThat(ScoringPolicy.DEFAULT).isEqualTo(config.topology().scoring());
        assertThat(TopologySettings.defaults(FuseFlowTopics.defaults())).isEqualTo(config.topology());
        assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "num.standby.replicas|-1|num.standby.replicas must be >= 0, got -1",
                "commit.interval.ms|0|commit.interval.ms must be >= 1, got 0",
                "replication.factor|0|replication.factor must be -1 (broker default) or >= 1, got 0",
                "fuseflow.metrics.port|70000|fuseflow.metrics.port must be -1 (off), 0 (any) or a port, got 70000",
                "fuseflow.scoring.weight.rating|-0.5|fuseflow.scoring.weight.rating must be a finite number >= 0, got -0.5",
                "fuseflow.scoring.thumbs-up|Infinity|fuseflow.scoring.thumbs-up must be finite, got Infinity",
                "fuseflow.scoring.bradley-terry.prior|0|fuseflow.scoring.bradley-terry.prior must be a positive number of virtual"
                        + " games, got 0.0",
                "fuseflow.scoring.bradley-terry.iterations|0|fuseflow.scoring.bradley-terry.iterations must be at least 1, got 0",
                "fuseflow.weight.half-confidence-signals|0|fuseflow.weight.half-confidence-signals must be > 0, got 0.0",
                "fuseflow.weight.full-weight-gap|-1|fuseflow.weight.full-weight-gap must be > 0, got -1.0",
                "fuseflow.emission.min-reward-gap|-0.1|fuseflow.emission.min-reward-gap must be a finite number >= 0, got -0.1",
                "fuseflow.emission.max-version-lag|-1|fuseflow.emission.max-version-lag must be >= 0, got -1",
                "fuseflow.validation.max-text-bytes|0|fuseflow.validation.max-text-bytes must be >= 1, got 0",
                "fuseflow.windows.reference|0s|fuseflow.windows.reference must be a positive duration, got PT0S",
                "fuseflow.windows.late-retention|-1d|fuseflow.windows.late-retention must be a positive duration, got PT-24H",
                "fuseflow.windows.punctuation-interval|0ms|fuseflow.windows.punctuation-interval must be a positive duration, got PT0S",
                "fuseflow.limits.max-events-per-prompt|2|fuseflow.limits.max-events-per-prompt must be at least 3 (a sample needs three"
                        + " responses), got 2",
                "fuseflow.limits.max-output-bytes|1000|fuseflow.limits.max-output-bytes must be at least 1024, got 1000",
                "fuseflow.topics.dlq.partitions|0|fuseflow.topics.dlq.partitions must be >= 1, got 0",
            })
    void everyRuleNamesTheKeyAndTheAllowedValues(String key, String value, String message) {
        assertThatThrownBy(() -> StreamProcessorConfig.from(
                        Settings.load(StreamProcessorSettings.ALL, Optional.empty(), Map.of(), Map.of(key, value))))
                .hasMessage(message);
    }

    @Test
    void aRuleBetweenTwoSettingsNamesBoth() {
        assertThatThrownBy(() -> with(Map.of("fuseflow.scoring.thumbs-up", "-2")))
                .hasMessageStartingWith(
                        "fuseflow.scoring.thumbs-up, fuseflow.scoring.thumbs-down: thumbs-up value must be finite and"
                                + " above thumbs-down");
        assertThatThrownBy(() -> with(Map.of("fuseflow.windows.inactivity", "1s")))
                .hasMessageStartingWith(
                        "fuseflow.windows.inactivity, fuseflow.windows.reference: inactivity window PT1S");
    }

    @Test
    void helpListsEverySettingWithItsVariableAndDefault() {
        StringWriter out = new StringWriter();
        StreamProcessorCommand.commandLine(new String[0], Map.of()).usage(new PrintWriter(out));
        assertThat(out.toString())
                .contains(
                        "num.stream.threads = 1  (FUSEFLOW_NUM_STREAM_THREADS)",
                        "Stream threads per instance.",
                        "fuseflow.emission.min-reward-gap = 0.1  (FUSEFLOW_EMISSION_MIN_REWARD_GAP)",
                        "kafka.*  passed to every Kafka client");
    }
}
