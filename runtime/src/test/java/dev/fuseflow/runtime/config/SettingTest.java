package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One declaration: its variable, its parsing, its rule, its old keys. */
class SettingTest {

    private static final Setting<Integer> THREADS = Setting.integer("num.stream.threads", 1, "Stream threads.")
            .must(Check.atLeast(1))
            .alias("fuseflow.streams.threads");
    private static final Setting<Long> COMMIT = Setting.longValue("commit.interval.ms", 100, "Commit interval.")
            .must(Check.atLeast(1L))
            .alias(
                    "fuseflow.streams.commit-interval",
                    old -> String.valueOf(Settings.parseDuration(old).toMillis()));

    @Test
    void theEnvironmentVariableIsTheKeyUpperCasedWithALeadingFuseflowDropped() {
        assertThat(THREADS.envName()).isEqualTo("FUSEFLOW_NUM_STREAM_THREADS");
        assertThat(Setting.string("fuseflow.emission.min-reward-gap", "0.1", "").envName())
                .isEqualTo("FUSEFLOW_EMISSION_MIN_REWARD_GAP");
        assertThat(Setting.string("gateway.max-body-bytes", "1", "").envName())
                .isEqualTo("FUSEFLOW_GATEWAY_MAX_BODY_BYTES");
    }

    @Test
    void aValueIsParsedAndCheckedWithTheKeyInTheMessage() {
        assertThat(THREADS.parse(" 4 ")).isEqualTo(4);
        assertThatThrownBy(() -> THREADS.parse("four"))
                .hasMessage("num.stream.threads must be a whole number, got 'four'");
        assertThatThrownBy(() -> THREADS.parse("0")).hasMessage("num.stream.threads must be >= 1, got 0");
    }

    @Test
    void aRecordEnforcesTheSameRuleUnderItsFieldName() {
        assertThatThrownBy(() -> THREADS.require("stream threads", 0)).hasMessage("stream threads must be >= 1, got 0");
    }

    @Test
    void aBadDefaultFailsAtDeclaration() {
        assertThatThrownBy(() -> Setting.integer("a.port", 70_000, "").must(Check.between(0, 65_535)))
                .hasMessage("a.port's default must be in [0, 65535], got 70000");
    }

    @Test
    void durationsAndEnumsParseAsEverywhereElse() {
        assertThat(Setting.duration("a.window", "10m", "").defaultValue()).isEqualTo(Duration.ofMinutes(10));
        assertThat(Setting.enumeration("a.unit", TimeUnit.class, null, "").parse("seconds"))
                .isEqualTo(TimeUnit.SECONDS);
        assertThat(Setting.duration("a.window", "1h", "")
                        .must(Check.positive())
                        .type()
                        .name())
                .isEqualTo("duration");
        assertThatThrownBy(() -> Setting.duration("a.window", "1h", "")
                        .must(Check.positive())
                        .parse("0s"))
                .hasMessage("a.window must be a positive duration, got PT0S");
    }

    @Test
    void anOldKeyIsReadWithItsValueTranslated() {
        assertThat(Settings.of(Map.of("fuseflow.streams.commit-interval", "2s")).get(COMMIT))
                .isEqualTo(2_000L);
        assertThat(Settings.of(Map.of("fuseflow.streams.threads", "3")).get(THREADS))
                .isEqualTo(3);
    }

    @Test
    void anOldKeyWinsOnlyOverTheNewKeysDefaultAndOtherwiseBothAreNamed() {
        assertThat(Settings.of(Map.of("num.stream.threads", "1", "fuseflow.streams.threads", "3"))
                        .get(THREADS))
                .isEqualTo(3);
        assertThat(Settings.of(Map.of("num.stream.threads", "3", "fuseflow.streams.threads", "3"))
                        .get(THREADS))
                .isEqualTo(3);
        assertThatThrownBy(() -> Settings.of(Map.of("num.stream.threads", "2", "fuseflow.streams.threads", "3"))
                        .get(THREADS))
                .hasMessage("num.stream.threads is set to '2' and its old key fuseflow.streams.threads to '3':"
                        + " keep only num.stream.threads");
    }

    @Test
    void unsetWithoutDefaultNamesTheVariable() {
        Setting<String> required = Setting.string("gateway.host", null, "");
        assertThatThrownBy(() -> Settings.of(Map.of()).get(required))
                .hasMessage("gateway.host is not set (set it in the config file or as FUSEFLOW_GATEWAY_HOST)");
        assertThat(Settings.of(Map.of()).optional(required)).isEmpty();
    }

    @Test
    void twoSettingsOfAComponentCannotShareAKeyOrAVariable() {
        Setting<String> dotted = Setting.string("a.b", "x", "");
        Setting<String> dashed = Setting.string("a-b", "x", "");
        assertThatThrownBy(() -> SettingSet.of("c", Map.of(), List.of(dotted, dashed)))
                .hasMessage("c: a-b and a.b would both be FUSEFLOW_A_B");
        assertThatThrownBy(() -> SettingSet.of("c", Map.of(), List.of(dotted), List.of(dotted)))
                .hasMessage("c: a.b is declared twice");
    }
}
