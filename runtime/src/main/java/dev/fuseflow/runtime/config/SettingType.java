package dev.fuseflow.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the text of a setting (in a file, a variable or on the command line) becomes its value.
 *
 * @param name     the type as the configuration reference shows it
 * @param expected what a good value looks like, for the message when one does not parse
 * @param parser   text (trimmed) to value; throws on bad text
 * @param <T>      the value's Java type
 */
public record SettingType<T>(String name, String expected, Function<String, T> parser) {

    public static final SettingType<String> STRING = new SettingType<>("string", "text", text -> text);
    public static final SettingType<Integer> INTEGER =
            new SettingType<>("integer", "a whole number", Integer::parseInt);
    public static final SettingType<Long> LONG = new SettingType<>("integer", "a whole number", Long::parseLong);
    public static final SettingType<Double> DECIMAL = new SettingType<>("decimal", "a number", Double::parseDouble);
    public static final SettingType<Boolean> BOOLEAN =
            new SettingType<>("boolean", "true or false", SettingType::parseBoolean);
    public static final SettingType<Duration> DURATION =
            new SettingType<>("duration", "a duration like 500ms, 30s, 5m, 2h, 7d or PT30S", Settings::parseDuration);
    public static final SettingType<Path> PATH = new SettingType<>("path", "a file or folder path", Path::of);

    /** One of the constants of {@code type}, in any case. */
    public static <E extends Enum<E>> SettingType<E> enumeration(Class<E> type) {
        String names = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        return new SettingType<>(
                "one of " + names, "one of " + names, text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT)));
    }

    /** The value of {@code text}, or a message naming the setting, what it expects and what it got. */
    public T parse(String key, String text) {
        try {
            return parser.apply(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be " + expected + ", got '" + text + "'", e);
        }
    }

    private static Boolean parseBoolean(String text) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(text);
        }
        return Boolean.parseBoolean(text);
    }
}
