package dev.fuseflow.runtime.config;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * The rule a setting's values obey, declared with the setting and enforced wherever the value is
 * built: when a component reads its settings (the message names the key) and in the compact
 * constructor of the record that holds the value (the message names the field), so that a rule
 * is written once.
 *
 * @param rule what a good value does, completing "X must ...": {@code "be >= 1"}, {@code "lie in (0, 1]"}
 * @param test whether a value obeys
 * @param <T>  the value's type
 */
public record Check<T>(String rule, Predicate<? super T> test) {

    /** Any value of the type. */
    public static <T> Check<T> any() {
        return new Check<>("", value -> true);
    }

    public static <T> Check<T> that(String rule, Predicate<? super T> test) {
        return new Check<>(rule, test);
    }

    public static Check<Integer> atLeast(int min) {
        return new Check<>("be >= " + min, value -> value >= min);
    }

    public static Check<Long> atLeast(long min) {
        return new Check<>("be >= " + min, value -> value >= min);
    }

    public static Check<Integer> between(int min, int max) {
        return new Check<>("be in [" + min + ", " + max + "]", value -> value >= min && value <= max);
    }

    /** A finite number at least {@code min}. */
    public static Check<Double> finiteAtLeast(double min) {
        return new Check<>("be a finite number >= " + trim(min), value -> value >= min && Double.isFinite(value));
    }

    /** A finite number above {@code min}. */
    public static Check<Double> above(double min) {
        return new Check<>("be > " + trim(min), value -> value > min && Double.isFinite(value));
    }

    public static Check<Duration> positive() {
        return new Check<>("be a positive duration", value -> !value.isZero() && !value.isNegative());
    }

    public static Check<Duration> notNegative() {
        return new Check<>("not be negative", value -> !value.isNegative());
    }

    public boolean accepts(T value) {
        return test.test(value);
    }

    /** {@code value}, or an {@link IllegalArgumentException} "{@code name} must {@code rule}, got {@code value}". */
    public <V extends T> V require(String name, V value) {
        if (!test.test(value)) {
            throw new IllegalArgumentException(name + " must " + rule + ", got " + value);
        }
        return value;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
