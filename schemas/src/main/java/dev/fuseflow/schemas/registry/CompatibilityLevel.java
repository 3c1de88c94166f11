package dev.fuseflow.schemas.registry;

import java.util.Arrays;
import java.util.Locale;

/** Schema Registry compatibility levels, as the Confluent API names them. */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE;

    /** Parses a level name, naming the valid ones when it is not one of them. */
    public static CompatibilityLevel parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "compatibility level must be one of " + Arrays.toString(values()) + ", got '" + name + "'", e);
        }
    }
}
