package dev.fuseflow.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of a FuseFlow component, layered in the one order every component uses: declared
 * defaults, then a properties file ({@code --config}), then environment variables, then the
 * command line ({@code --set key=value}, or a command's options through {@link SettingsDefaultProvider}).
 * The variable of key {@code a.b-c} is {@code FUSEFLOW_A_B_C}; a leading {@code fuseflow.} is
 * dropped ({@code fuseflow.emission.min-reward-gap} is {@code FUSEFLOW_EMISSION_MIN_REWARD_GAP}).
 * A variable sets a declared key, or a passthrough key ({@code kafka.*}) that the file names.
 *
 * <p>{@code ClientSecurity} (in schemas, so that apps can read the security settings without this
 * module) layers its {@code fuseflow.security.*} keys by the same rule.
 *
 * <p>{@link #get(Setting)} parses and checks a declared setting, naming the key, the rule and the
 * bad value, so that a service builds its typed config record at start and fails with a message
 * that says what to fix. The untyped getters serve keys that are not declared.
 */
public final class Settings {

    public static final String ENV_PREFIX = "FUSEFLOW_";

    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /**
     * Defaults, overlaid by the file (if given), by {@code env} for every key the defaults or the
     * file name, and by {@code overrides}: the same layering for a plain map of keys (a component's
     * {@code DEFAULTS}, ClientSecurity's keys), without the declarations' checks of unknown and old
     * keys. Components load through {@link #load(SettingSet, Optional, Map, Map)}.
     */
    public static Settings load(
            Map<String, String> defaults, Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(defaults);
        file.ifPresent(f -> merged.putAll(readProperties(f)));
        for (String key : Map.copyOf(merged).keySet()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
            }
        }
        merged.putAll(overrides);
        return new Settings(merged);
    }

    /**
     * A component's settings: {@code declared}'s defaults, overlaid by the file (if given), by
     * {@code env} for every declared key (and old key) and every key the file or the overrides
     * name, and by {@code overrides}. An old key is read as its new key in its own layer (so a
     * higher layer's new key still wins), with a deprecation warning. Keys that are neither
     * declared nor under a passthrough prefix are refused: a misspelt key fails at start.
     */
    public static Settings load(
            SettingSet declared, Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> fromFile = file.map(Settings::readProperties).orElse(Map.of());
        String fileName = file.map(f -> "the config file " + f).orElse("the config file");
        requireKnown(declared, fromFile, fileName);
        requireKnown(declared, overrides, "--set");
        Map<String, String> fromEnv = new TreeMap<>();
        for (Setting<?> setting : declared.settings()) {
            copyEnv(env, setting.key(), fromEnv);
            setting.aliases().forEach(alias -> copyEnv(env, alias.key(), fromEnv));
        }
        fromFile.keySet().forEach(key -> copyEnv(env, key, fromEnv));
        overrides.keySet().forEach(key -> copyEnv(env, key, fromEnv));
        Map<String, String> merged = new TreeMap<>(declared.defaults());
        merged.putAll(renamed(declared, fromFile, fileName));
        merged.putAll(renamed(declared, fromEnv, "the environment"));
        merged.putAll(renamed(declared, overrides, "--set"));
        return new Settings(merged);
    }

    /** {@code fuseflow.min-reward-gap} becomes {@code FUSEFLOW_FUSEFLOW_MIN_REWARD_GAP}; leading "fuseflow." is dropped. */
    public static String envName(String key) {
        String bare = key.startsWith("fuseflow.") ? key.substring("fuseflow.".length()) : key;
        return ENV_PREFIX + bare.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * The value of a declared setting, parsed and checked: its key's value, else its old key's
     * (with a deprecation warning), else its default. If both are set to different values, the old
     * key wins only over the new key's default (a defaults map with one old key changed); otherwise
     * it is an error naming both.
     */
    public <T> T get(Setting<T> setting) {
        return optional(setting)
                .orElseThrow(() -> new IllegalArgumentException(
                        setting.key() + " is not set (set it in the config file or as " + setting.envName() + ")"));
    }

    /** As {@link #get}, empty when the setting has no value and no default. */
    public <T> Optional<T> optional(Setting<T> setting) {
        String value = present(setting.key());
        for (Setting.Alias alias : setting.aliases()) {
            String old = present(alias.key());
            if (old == null) {
                continue;
            }
            String translated = alias.translate().apply(old);
            LOG.warn("{} is deprecated: use {} ({}) instead", alias.key(), setting.key(), setting.envName());
            if (value == null || value.equals(setting.defaultText().orElse(null))) {
                value = translated;
            } else if (!value.equals(translated)) {
                throw new IllegalArgumentException(setting.key() + " is set to '" + value + "' and its old key "
                        + alias.key() + " to '" + old + "': keep only " + setting.key());
            }
        }
        if (value == null) {
            // An empty default is a value for text (no topic prefix), and no default for anything else.
            value = setting.defaultText()
                    .filter(text -> !text.isBlank() || setting.type() == SettingType.STRING)
                    .orElse(null);
        }
        return Optional.ofNullable(value).map(setting::parse);
    }

    /**
     * The keys under {@code prefix} (prefix removed) for a client of Kafka's, refusing a key that
     * FuseFlow sets itself: one of {@code declared}'s settings, or a key of {@code claims}, which
     * maps a client key to what sets it. A passthrough never silently overrides a FuseFlow setting,
     * and a FuseFlow setting never silently overrides a passthrough.
     */
    public Map<String, String> passthrough(String prefix, SettingSet declared, Map<String, String> claims) {
        Map<String, String> out = new TreeMap<>();
        withPrefix(prefix).forEach((key, value) -> {
            if (declared.find(prefix + key).isPresent()) {
                return; // an old key of a declared setting (kafka.bootstrap.servers), read by get()
            }
            declared.find(key).ifPresent(setting -> {
                throw conflict(
                        prefix + key,
                        "FuseFlow's setting " + setting.key() + " (" + setting.envName() + ")",
                        "set " + setting.key() + " instead");
            });
            if (claims.containsKey(key)) {
                throw conflict(
                        prefix + key, key + ", which FuseFlow sets " + claims.get(key), "remove " + prefix + key);
            }
            out.put(key, value);
        });
        return out;
    }

    /**
     * A record built from settings already read one by one, whose compact constructor checks a rule
     * between several of them: its failure names their keys ({@code fuseflow.windows.inactivity,
     * fuseflow.windows.reference: inactivity window PT1S must not be shorter than ...}).
     */
    public static <T> T relating(Supplier<T> build, Setting<?>... involved) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            String keys = Arrays.stream(involved).map(Setting::key).collect(Collectors.joining(", "));
            throw new IllegalArgumentException(keys + ": " + e.getMessage(), e);
        }
    }

    /** The error for a passthrough key that names something FuseFlow sets: both named, and what to do. */
    public static IllegalArgumentException conflict(String passthroughKey, String fuseflowSide, String remedy) {
        return new IllegalArgumentException(passthroughKey + " conflicts with " + fuseflowSide + ": " + remedy);
    }

    public Map<String, String> asMap() {
        return values;
    }

    /** Every key with the given prefix, the prefix removed (e.g. passing {@code kafka.} through to clients). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    public String string(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    key + " is not set (set it in the config file or as " + envName(key) + ")");
        }
        return value.trim();
    }

    public Optional<String> optional(String key) {
        return Optional.ofNullable(values.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    public int integer(String key) {
        return parse(key, Integer::parseInt, "a whole number");
    }

    public long longValue(String key) {
        return parse(key, Long::parseLong, "a whole number");
    }

    public double decimal(String key) {
        return parse(key, Double::parseDouble, "a number");
    }

    public boolean bool(String key) {
        return parse(
                key,
                v -> {
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException(v);
                    }
                    return Boolean.parseBoolean(v);
                },
                "true or false");
    }

    /** A duration as ISO-8601 ({@code PT30S}) or a number with unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
    public Duration duration(String key) {
        return parse(key, Settings::parseDuration, "a duration like 500ms, 30s, 5m, 2h, 7d or PT30S");
    }

    private <T> T parse(String key, Function<String, T> parser, String expected) {
        String value = string(key);
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be " + expected + ", got '" + value + "'", e);
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d} or ISO-8601 ({@code PT30S}); picocli's converter too. */
    public static Duration parseDuration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        String number = text.replaceAll("[a-zA-Z]+$", "");
        long amount = Long.parseLong(number.trim());
        return switch (text.substring(number.length()).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("unknown unit in " + text);
        };
    }

    private String present(String key) {
        String value = values.get(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static void copyEnv(Map<String, String> env, String key, Map<String, String> into) {
        String value = env.get(envName(key));
        if (value != null) {
            into.put(key, value);
        }
    }

    /** One layer with every old key under its new key, unless the layer also holds the new key (then get() decides). */
    private static Map<String, String> renamed(SettingSet declared, Map<String, String> layer, String where) {
        Map<String, String> out = new LinkedHashMap<>(layer);
        layer.forEach((key, value) -> declared.find(key)
                .filter(setting -> !setting.key().equals(key))
                .ifPresent(setting -> {
                    if (!layer.containsKey(setting.key())) {
                        Setting.Alias alias = setting.aliases().stream()
                                .filter(a -> a.key().equals(key))
                                .findFirst()
                                .orElseThrow();
                        LOG.warn(
                                "{} in {} is deprecated: use {} ({}) instead",
                                key,
                                where,
                                setting.key(),
                                setting.envName());
                        out.remove(key);
                        out.put(setting.key(), alias.translate().apply(value.trim()));
                    }
                }));
        return out;
    }

    private static void requireKnown(SettingSet declared, Map<String, String> layer, String where) {
        for (String key : layer.keySet()) {
            if (!declared.knows(key)) {
                throw new IllegalArgumentException(key + " in " + where + " is not a setting of " + declared.component()
                        + " (docs/configuration.md lists them)"
                        + (declared.passthrough().isEmpty()
                                ? ""
                                : "; other client settings go under "
                                        + String.join(" or ", new TreeMap<>(declared.passthrough()).keySet())));
            }
        }
    }

    static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> out.put(k, properties.getProperty(k)));
        return out;
    }
}
