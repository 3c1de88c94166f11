package dev.fuseflow.streams.validation;

import dev.fuseflow.schemas.avro.DeadLetterReason;

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
}
