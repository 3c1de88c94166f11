package dev.fuseflow.producers.gateway.access;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway checks before it reads a request: CORS for browsers, then, on the event
 * routes, the caller's API key and its client's rate. Health, metrics and the spec stay open (the
 * probes and Prometheus call them; network policy keeps them inside the cluster).
 */
public final class AccessControl implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
    private static final String BEARER = "Bearer ";
    private static final String CHALLENGE = "Bearer realm=\"fuseflow-gateway\"";
    /** Retry-After when the issuer's keys could not be fetched (the key source retries and caches). */
    private static final String ISSUER_RETRY_SECONDS = "5";

    /** The context attribute that holds the authenticated client's id. */
    public static final String CLIENT = "fuseflow.client";

    private final Optional<ApiKeys> keys;
    private final Optional<BearerTokens> tokens;
    private final RateLimiter limiter;
    private final CorsPolicy cors;
    private final Optional<ScheduledExecutorService> reloader;
    private final String rateLimit;

    public AccessControl(AccessConfig config) {
        this.keys = config.apiKeys().map(ApiKeys::load);
        this.tokens = config.oauth2().map(BearerTokens::new);
        this.limiter = new RateLimiter(config.ratePerSecond(), config.burst(), System::nanoTime);
        this.cors = new CorsPolicy(config.allowedOrigins());
        this.rateLimit = config.ratePerSecond() + " requests/s with bursts of " + config.burst() + " ("
                + AccessSettings.RATE_PER_SECOND.key() + ", " + AccessSettings.RATE_BURST.key() + ")";
        this.reloader = keys.map(loaded -> {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "gateway-api-keys-reload");
                thread.setDaemon(true);
                return thread;
            });
            long every = config.reloadInterval().toMillis();
            timer.scheduleWithFixedDelay(loaded::reload, every, every, TimeUnit.MILLISECONDS);
            return timer;
        });
        if (keys.isEmpty()) {
            LOG.warn("no {}: the gateway accepts events without an API key", AccessSettings.API_KEYS.key());
        } else {
            LOG.info(
                    "{} clients' API keys from {}",
                    keys.get().size(),
                    config.apiKeys().get());
        }
    }

    /**
     * CORS, for every route: a preflight from an allowed origin is answered here (204), one from
     * any other is refused (403); an allowed origin's requests get the headers that let its page
     * read the answer, others get none.
     *
     * @return whether the request was a preflight, answered here
     */
    public boolean cors(Context ctx) {
        String origin = ctx.header("Origin");
        boolean preflight = ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null;
        if (origin == null) {
            return false;
        }
        ctx.header("Vary", "Origin");
        if (!cors.allows(origin)) {
            if (preflight) {
                throw new AccessRefusedException(
                        403,
                        "Origin",
                        "'" + origin + "' may not call the gateway from a browser (allowed origins: "
                                + AccessSettings.CORS_ALLOWED_ORIGINS.key() + ")",
                        Map.of());
            }
            return false;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        if (!preflight) {
            ctx.header("Access-Control-Expose-Headers", CorsPolicy.EXPOSED_HEADERS);
            return false;
        }
        ctx.header("Access-Control-Allow-Methods", CorsPolicy.ALLOWED_METHODS);
        ctx.header("Access-Control-Allow-Headers", CorsPolicy.ALLOWED_HEADERS);
        ctx.header("Access-Control-Max-Age", CorsPolicy.MAX_AGE_SECONDS);
        ctx.status(204);
        return true;
    }

    /**
     * For the event routes: the caller's client from its API key (401 without a known one), then a
     * token of that client's bucket (429 with Retry-After without one). Without keys, the client
     * is the caller's address.
     */
    public void admit(Context ctx) {
        String client = keys.isPresent() || tokens.isPresent() ? authenticate(ctx) : ctx.ip();
        ctx.attribute(CLIENT, client);
        long waitNanos = limiter.acquire(client);
        if (waitNanos > 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
            throw new AccessRefusedException(
                    429,
                    "client",
                    client + " is above its rate limit of " + rateLimit + "; retry in " + seconds + " s",
                    Map.of("Retry-After", Long.toString(seconds)));
        }
    }

    /** The client of the request's bearer credential: an OAuth2 token (a JWT) when an issuer is set, else an API key. */
    private String authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized("is missing: send 'Authorization: Bearer <API key or token>'", CHALLENGE);
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthorized("must be 'Bearer <API key or token>'", CHALLENGE);
        }
        String credential = authorization.substring(BEARER.length()).strip();
        if (tokens.isPresent() && BearerTokens.looksLikeJwt(credential)) {
            try {
                return tokens.get().clientOf(credential);
            } catch (BearerTokens.RejectedToken e) {
                if (e.issuerUnavailable()) {
                    LOG.warn("bearer token not checked: {}", e.getMessage());
                    throw new AccessRefusedException(
                            503, "Authorization", e.getMessage(), Map.of("Retry-After", ISSUER_RETRY_SECONDS));
                }
                throw unauthorized(
                        "holds a token that is not valid: " + e.getMessage(), CHALLENGE + ", error=\"invalid_token\"");
            }
        }
        return keys.flatMap(known -> known.clientOf(credential))
                .orElseThrow(
                        () -> unauthorized("does not hold a known API key", CHALLENGE + ", error=\"invalid_token\""));
    }

    private static AccessRefusedException unauthorized(String problem, String challenge) {
        return new AccessRefusedException(401, "Authorization", problem, Map.of("WWW-Authenticate", challenge));
    }

    @Override
    public void close() {
        reloader.ifPresent(ScheduledExecutorService::shutdownNow);
    }
}
