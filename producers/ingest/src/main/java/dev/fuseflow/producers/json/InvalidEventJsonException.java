package dev.fuseflow.producers.json;

import java.util.List;
import java.util.stream.Collectors;

/** An event's JSON that cannot become a valid event; carries every field error found. */
public final class InvalidEventJsonException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    public InvalidEventJsonException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
