package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.schemas.security.ClientSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path dir;

    @Test
    void fileOverridesDefaultsEnvOverridesFileOverridesWin() throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "fuseflow.min-reward-gap=0.2\nbootstrap.servers=file:9092\nfuseflow.window=5m\n");
        Settings settings = Settings.load(
                Map.of("fuseflow.min-reward-gap", "0.1", "bootstrap.servers", "default:9092", "fuseflow.window", "1h"),
                Optional.of(file),
                Map.of("FUSEFLOW_BOOTSTRAP_SERVERS", "env:9092", "FUSEFLOW_WINDOW", "10m"),
                Map.of("fuseflow.window", "15m"));
        assertThat(settings.decimal("fuseflow.min-reward-gap")).isEqualTo(0.2);
        assertThat(settings.string("bootstrap.servers")).isEqualTo("env:9092");
        assertThat(settings.duration("fuseflow.window")).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void environmentNamesAreDerivedFromKeys() {
        assertThat(Settings.envName("fuseflow.min-reward-gap")).isEqualTo("FUSEFLOW_MIN_REWARD_GAP");
        assertThat(Settings.envName("schema.registry.url")).isEqualTo("FUSEFLOW_SCHEMA_REGISTRY_URL");
    }

    @Test
    void clientSecurityLayersItsKeysAsAServicesSettingsDo() throws Exception {
        // ClientSecurity stays in schemas for the apps and reads file and environment itself: every key, same rule.
        Path store = Files.writeString(dir.resolve("store.p12"), "not really a keystore");
        Path file = Files.writeString(
                dir.resolve("security.properties"),
                ClientSecurity.SASL_USERNAME + "=from-file\n" + ClientSecurity.SASL_PASSWORD + "=from-file\n");
        Map<String, String> values = new HashMap<>(Map.of(
                ClientSecurity.PROTOCOL,
                "SASL_SSL",
                ClientSecurity.SASL_MECHANISM,
                "SCRAM-SHA-256",
                ClientSecurity.SASL_USERNAME,
                "gateway",
                ClientSecurity.SASL_PASSWORD_FILE,
                store.toString(),
                ClientSecurity.TRUSTSTORE,
                store.toString(),
                ClientSecurity.TRUSTSTORE_PASSWORD,
                "t",
                ClientSecurity.KEYSTORE,
                store.toString(),
                ClientSecurity.KEYSTORE_PASSWORD,
                "k",
                ClientSecurity.REGISTRY_USER_INFO,
                "app:secret",
                ClientSecurity.REGISTRY_TRUSTSTORE,
                store.toString()));
        values.put(ClientSecurity.REGISTRY_TRUSTSTORE_PASSWORD, "r");
        values.put(ClientSecurity.SASL_PASSWORD, "from-env");
        assertThat(values.keySet()).isEqualTo(ClientSecurity.DEFAULTS.keySet());
        Map<String, String> env = new HashMap<>();
        values.forEach((key, value) -> env.put(Settings.envName(key), value));

        ClientSecurity viaSettings =
                ClientSecurity.from(Settings.load(ClientSecurity.DEFAULTS, Optional.of(file), env, Map.of())
                        .asMap());

        assertThat(ClientSecurity.load(Optional.of(file), env)).isEqualTo(viaSettings);
        assertThat(viaSettings.username()).contains("gateway");
        assertThat(viaSettings.password()).contains("from-env");
        assertThat(viaSettings.registryTruststorePassword()).contains("r");
    }

    @Test
    void durationsAcceptUnitsAndIso() {
        assertThat(Settings.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Settings.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Settings.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badValuesNameTheKeyTheValueAndTheEnvironmentVariable() {
        Settings settings = Settings.of(Map.of("a.n", "ten", "a.d", "5 parsecs", "a.b", "yes"));
        assertThatThrownBy(() -> settings.integer("a.n")).hasMessage("a.n must be a whole number, got 'ten'");
        assertThatThrownBy(() -> settings.duration("a.d")).hasMessageStartingWith("a.d must be a duration like");
        assertThatThrownBy(() -> settings.bool("a.b")).hasMessage("a.b must be true or false, got 'yes'");
        assertThatThrownBy(() -> settings.string("missing.key"))
                .hasMessage("missing.key is not set (set it in the config file or as FUSEFLOW_MISSING_KEY)");
    }

    @Test
    void prefixedKeysPassThrough() {
        Settings settings = Settings.of(Map.of("kafka.linger.ms", "5", "kafka.acks", "all", "other", "x"));
        assertThat(settings.withPrefix("kafka."))
                .containsExactly(Map.entry("acks", "all"), Map.entry("linger.ms", "5"));
    }
}
