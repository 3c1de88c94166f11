package dev.fuseflow.schemas.registry;

import java.util.List;

/** Answer of a compatibility check: whether the schema may be registered and, if not, why. */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
