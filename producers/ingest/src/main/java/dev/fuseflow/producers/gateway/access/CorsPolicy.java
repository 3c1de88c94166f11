package dev.fuseflow.producers.gateway.access;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web origins may call the gateway from a browser: none unless configured. A browser asks
 * first (a preflight, since every write is JSON with a key); the gateway answers it only for an
 * allowed origin, and names that origin, never {@code *}, on its answers.
 */
public final class CorsPolicy {

    /** What an allowed page may send: the content types need a preflight, the key travels in Authorization. */
    public static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id";

    public static final String ALLOWED_METHODS = "GET, POST";

    /** Headers a page may read from an answer: the request id, and when to retry after 429 or 503. */
    public static final String EXPOSED_HEADERS = "X-Request-Id, Retry-After";

    /** How long a browser may keep a preflight's answer, in seconds. */
    public static final String MAX_AGE_SECONDS = "600";

    private final Set<String> allowed;

    public CorsPolicy(List<String> allowedOrigins) {
        this.allowed =
                allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** Whether a page of {@code origin} (the request's Origin header) may call; scheme and host compare case-blind. */
    public boolean allows(String origin) {
        return origin != null && allowed.contains(origin.toLowerCase(Locale.ROOT));
    }
}
