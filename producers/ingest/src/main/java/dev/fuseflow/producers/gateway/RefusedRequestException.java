package dev.fuseflow.producers.gateway;

import dev.fuseflow.producers.json.FieldError;

/** A request the gateway refuses before reading events from it: the HTTP status, and what is wrong. */
final class RefusedRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient FieldError error;

    RefusedRequestException(int status, String field, String problem) {
        super(new FieldError(field, problem).toString());
        this.status = status;
        this.error = new FieldError(field, problem);
    }

    int status() {
        return status;
    }

    FieldError error() {
        return error;
    }
}
