package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one layering of declared settings: defaults, file, environment, command line; old keys; unknown and conflicting keys. */
class SettingsLayeringTest {

    static final Setting<Integer> THREADS = Setting.integer("num.stream.threads", 1, "Stream threads.")
            .must(Check.atLeast(1))
            .alias("fuseflow.streams.threads");
    static final Setting<Duration> WINDOW = Setting.duration("fuseflow.windows.reference", "10m", "Reference window.")
            .must(Check.positive());
    static final Setting<String> HOST = Setting.string("gateway.host", "0.0.0.0", "Listen address.");
    static final SettingSet DECLARED = SettingSet.of(
            "fuseflow-test",
            Map.of("kafka.", "the test's clients"),
            List.of(THREADS, WINDOW, HOST),
            SharedSettings.CONNECTION);

    @TempDir
    Path dir;

    @Test
    void defaultsThenFileThenEnvironmentThenCommandLine() throws Exception {
        Path file = Files.writeString(
                dir.resolve("a.properties"),
                "num.stream.threads=2\nfuseflow.windows.reference=5m\n" + "gateway.host=file\nkafka.linger.ms=5\n");
        Settings settings = Settings.load(
                DECLARED,
                Optional.of(file),
                Map.of(
                        "FUSEFLOW_WINDOWS_REFERENCE",
                        "7m",
                        "FUSEFLOW_GATEWAY_HOST",
                        "env",
                        "FUSEFLOW_KAFKA_LINGER_MS",
                        "9",
                        "FUSEFLOW_BOOTSTRAP_SERVERS",
                        "env:9092"),
                Map.of("gateway.host", "cli"));
        assertThat(settings.get(THREADS)).as("file over default").isEqualTo(2);
        assertThat(settings.get(WINDOW)).as("environment over file").isEqualTo(Duration.ofMinutes(7));
        assertThat(settings.get(HOST)).as("command line over environment").isEqualTo("cli");
        assertThat(settings.get(SharedSettings.BOOTSTRAP_SERVERS)).isEqualTo("env:9092");
        assertThat(settings.get(SharedSettings.SCHEMA_REGISTRY_URL))
                .as("declared default")
                .isEqualTo("http://localhost:8081");
        assertThat(settings.passthrough("kafka.", DECLARED, Map.of()))
                .as("a variable sets a passthrough key the file names")
                .containsExactly(Map.entry("linger.ms", "9"));
    }

    @Test
    void anOldKeyIsItsNewKeyInItsOwnLayerSoAHigherLayerStillWins() throws Exception {
        Path file = Files.writeString(dir.resolve("old.properties"), "fuseflow.streams.threads=4\n");
        assertThat(Settings.load(DECLARED, Optional.of(file), Map.of(), Map.of())
                        .get(THREADS))
                .isEqualTo(4);
        assertThat(Settings.load(DECLARED, Optional.of(file), Map.of("FUSEFLOW_NUM_STREAM_THREADS", "3"), Map.of())
                        .get(THREADS))
                .isEqualTo(3);
        assertThat(Settings.load(DECLARED, Optional.empty(), Map.of("FUSEFLOW_STREAMS_THREADS", "5"), Map.of())
                        .get(THREADS))
                .as("the old key's variable")
                .isEqualTo(5);
        Path both =
                Files.writeString(dir.resolve("both.properties"), "fuseflow.streams.threads=4\nnum.stream.threads=2\n");
        assertThatThrownBy(() -> Settings.load(DECLARED, Optional.of(both), Map.of(), Map.of())
                        .get(THREADS))
                .hasMessageContaining(
                        "num.stream.threads is set to '2' and its old key fuseflow.streams.threads to '4'");
    }

    @Test
    void aKeyThatIsNeitherDeclaredNorPassedThroughIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("typo.properties"), "num.stream.thread=2\n");
        assertThatThrownBy(() -> Settings.load(DECLARED, Optional.of(file), Map.of(), Map.of()))
                .hasMessage("num.stream.thread in the config file " + file + " is not a setting of fuseflow-test"
                        + " (docs/configuration.md lists them); other client settings go under kafka.");
        assertThatThrownBy(() -> Settings.load(DECLARED, Optional.empty(), Map.of(), Map.of("fuseflow.window", "1m")))
                .hasMessageStartingWith("fuseflow.window in --set is not a setting of fuseflow-test");
    }

    @Test
    void aPassthroughKeyThatNamesAFuseFlowSettingIsRefusedNamingBoth() {
        Settings settings =
                Settings.load(DECLARED, Optional.empty(), Map.of(), Map.of("kafka.num.stream.threads", "8"));
        assertThatThrownBy(() -> settings.passthrough("kafka.", DECLARED, Map.of()))
                .hasMessage(
                        "kafka.num.stream.threads conflicts with FuseFlow's setting num.stream.threads (FUSEFLOW_NUM_STREAM_THREADS):"
                                + " set num.stream.threads instead");
    }

    @Test
    void aPassthroughKeyThatNamesAClientSettingFuseFlowSetsIsRefusedNamingBoth() {
        Settings settings = Settings.load(
                DECLARED, Optional.empty(), Map.of(), Map.of("kafka.processing.guarantee", "at_least_once"));
        assertThatThrownBy(() ->
                        settings.passthrough("kafka.", DECLARED, Map.of("processing.guarantee", "to exactly_once_v2")))
                .hasMessage(
                        "kafka.processing.guarantee conflicts with processing.guarantee, which FuseFlow sets to exactly_once_v2:"
                                + " remove kafka.processing.guarantee");
    }
}
