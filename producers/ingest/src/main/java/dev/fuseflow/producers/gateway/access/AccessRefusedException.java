package dev.fuseflow.producers.gateway.access;

import java.util.Map;

/**
 * A request refused before it is read: not authenticated (401), from an origin not allowed (403)
 * or above its client's rate (429); with the header, field and problem its answer carries.
 */
public final class AccessRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;
    private final String problem;
    private final transient Map<String, String> headers;

    AccessRefusedException(int status, String field, String problem, Map<String, String> headers) {
        super(field + " " + problem);
        this.status = status;
        this.field = field;
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    /** Headers the answer needs: WWW-Authenticate with a 401, Retry-After with a 429. */
    public Map<String, String> headers() {
        return headers;
    }
}
