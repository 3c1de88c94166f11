package dev.fuseflow.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Flat {@code key=value} settings of a FuseFlow service, layered: built-in defaults, then a
 * properties file, then environment variables, then explicit overrides (command line). An
 * environment variable overrides key {@code a.b-c} when named {@code FUSEFLOW_A_B_C}.
 *
 * <p>{@code ClientSecurity} (in schemas, so that apps can read the security settings without this
 * module) layers its {@code fuseflow.security.*} keys by the same rule.
 *
 * <p>Typed getters name the key and the bad value when a value does not parse, so that a service
 * can build its typed config record at start and fail with a message that says what to fix.
 */
public final class Settings {

    public static final String ENV_PREFIX = "FUSEFLOW_";

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /**
     * Defaults, overlaid by the file (if given), by {@code env} for every key the defaults or the
     * file name, and by {@code overrides}.
     */
    public static Settings load(Map<String, String> defaults, Optional<Path> file, Map<String, String> env,
                                Map<String, String> overrides) {
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

    /** {@code fuseflow.min-reward-gap} becomes {@code FUSEFLOW_FUSEFLOW_MIN_REWARD_GAP}; leading "fuseflow." is dropped. */
    public static String envName(String key) {
        String bare = key.startsWith("fuseflow.") ? key.substring("fuseflow.".length()) : key;
        return ENV_PREFIX + bare.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
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
            throw new IllegalArgumentException(key + " is not set (set it in the config file or as " + envName(key) + ")");
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
        return parse(key, v -> {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(v);
            }
            return Boolean.parseBoolean(v);
        }, "true or false");
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

    static Duration parseDuration(String text) {
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

    private static Map<String, String> readProperties(Path file) {
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
