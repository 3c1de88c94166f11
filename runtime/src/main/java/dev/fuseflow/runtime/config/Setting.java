package dev.fuseflow.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One setting of a FuseFlow component, declared once: its key, type, default, documentation and
 * the rule its values obey. A component declares its settings as constants of one class and lists
 * them in a {@link SettingSet}; everything else (the layering, the environment variable, the
 * messages, {@code --help} and docs/configuration.md) is derived from the declaration.
 *
 * <p>Settings that Kafka, Kafka Streams or the registry client also know keep those names
 * ({@code num.stream.threads}, {@code bootstrap.servers}); FuseFlow's own start with their
 * component ({@code gateway.port}) or with {@code fuseflow.}.
 *
 * @param key         the key, in files and after {@code --set}; the environment variable is derived from it
 * @param type        how text becomes a value
 * @param defaultText the default as it would be written in a file; empty: none (the setting is required or optional)
 * @param doc         one or two sentences for {@code --help} and the reference
 * @param check       the rule values obey
 * @param aliases     older keys still read, each with a deprecation warning
 * @param <T>         the value's type
 */
public record Setting<T>(
        String key,
        SettingType<T> type,
        Optional<String> defaultText,
        String doc,
        Check<? super T> check,
        List<Alias> aliases) {

    private static final Pattern KEY = Pattern.compile("[a-z0-9]+([.-][a-z0-9]+)*");

    /**
     * An older key of a setting.
     *
     * @param key       the old key
     * @param translate its value as the new key takes it (e.g. {@code 100ms} as {@code 100})
     */
    public record Alias(String key, UnaryOperator<String> translate) {

        public Alias {
            Objects.requireNonNull(key, "alias key");
            Objects.requireNonNull(translate, "alias translation");
        }
    }

    public Setting {
        Objects.requireNonNull(key, "key");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException(
                    "setting key '" + key + "' must be lower-case words joined by '.' or '-'");
        }
        Objects.requireNonNull(type, key + ": type");
        Objects.requireNonNull(defaultText, key + ": default");
        Objects.requireNonNull(doc, key + ": doc");
        Objects.requireNonNull(check, key + ": check");
        aliases = List.copyOf(aliases);
        defaultText
                .filter(text -> !text.isBlank())
                .ifPresent(text -> check.require(key + "'s default", type.parse(key, text)));
    }

    public static <T> Setting<T> of(String key, SettingType<T> type, String defaultText, String doc) {
        return new Setting<>(key, type, Optional.ofNullable(defaultText), doc, Check.any(), List.of());
    }

    public static Setting<String> string(String key, String defaultText, String doc) {
        return of(key, SettingType.STRING, defaultText, doc);
    }

    public static Setting<Integer> integer(String key, int defaultValue, String doc) {
        return of(key, SettingType.INTEGER, String.valueOf(defaultValue), doc);
    }

    public static Setting<Long> longValue(String key, long defaultValue, String doc) {
        return of(key, SettingType.LONG, String.valueOf(defaultValue), doc);
    }

    public static Setting<Double> decimal(String key, double defaultValue, String doc) {
        return of(key, SettingType.DECIMAL, String.valueOf(defaultValue), doc);
    }

    public static Setting<Boolean> bool(String key, boolean defaultValue, String doc) {
        return of(key, SettingType.BOOLEAN, String.valueOf(defaultValue), doc);
    }

    /** A duration, written as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d} or ISO-8601 ({@code PT30S}). */
    public static Setting<Duration> duration(String key, String defaultText, String doc) {
        return of(key, SettingType.DURATION, defaultText, doc);
    }

    public static Setting<Path> path(String key, String defaultText, String doc) {
        return of(key, SettingType.PATH, defaultText, doc);
    }

    public static <E extends Enum<E>> Setting<E> enumeration(String key, Class<E> type, E defaultValue, String doc) {
        return of(key, SettingType.enumeration(type), defaultValue == null ? null : defaultValue.name(), doc);
    }

    /** This setting with the rule its values obey. */
    public Setting<T> must(Check<? super T> rule) {
        return new Setting<>(key, type, defaultText, doc, rule, aliases);
    }

    /** This setting, also read under its old key {@code oldKey} (with a deprecation warning). */
    public Setting<T> alias(String oldKey) {
        return alias(oldKey, UnaryOperator.identity());
    }

    /** This setting, also read under {@code oldKey}, whose values {@code translate} turns into this key's. */
    public Setting<T> alias(String oldKey, UnaryOperator<String> translate) {
        List<Alias> more = new ArrayList<>(aliases);
        more.add(new Alias(oldKey, translate));
        return new Setting<>(key, type, defaultText, doc, check, more);
    }

    /** The same setting with another component's default (the connection settings: each component's own broker address). */
    public Setting<T> withDefault(String text) {
        return new Setting<>(key, type, Optional.ofNullable(text), doc, check, aliases);
    }

    /** {@code FUSEFLOW_} and the key, a leading {@code fuseflow.} dropped, upper case, other characters as {@code _}. */
    public String envName() {
        return Settings.envName(key);
    }

    /** The typed default. */
    public T defaultValue() {
        return parse(defaultText
                .filter(text -> !text.isBlank())
                .orElseThrow(() -> new IllegalStateException(key + " has no default")));
    }

    /** The value of {@code text}, parsed and checked; the message names the key. */
    public T parse(String text) {
        return require(type.parse(key, text));
    }

    /** {@code value} if it obeys the rule; the message names the key. */
    public T require(T value) {
        return check.require(key, value);
    }

    /** {@code value} if it obeys the rule; the message names {@code field} (a record's compact constructor). */
    public T require(String field, T value) {
        return check.require(field, value);
    }
}
