package dev.fuseflow.streams.validation;

import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.validation.EventValidator;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * A well-formed record that breaks a contract rule. Thrown by the validating processors; the
 * dead-letter handler turns it into a DeadLetter with this reason and message.
 */
public final class InvalidEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient DeadLetterReason reason;

    public InvalidEventException(DeadLetterReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }

    /** A check that throws this exception for the violation the shared rules find, if any. */
    public static <V> BiConsumer<String, V> raising(BiFunction<String, V, Optional<EventValidator.Violation>> rules) {
        return (key, value) -> rules.apply(key, value).ifPresent(violation -> {
            throw new InvalidEventException(violation.reason(), violation.message());
        });
    }
}
