package dev.fuseflow.producers.gateway.access;

import dev.fuseflow.runtime.config.Check;
import dev.fuseflow.runtime.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** The gateway's settings for who may call it and how: API keys, rate limit, CORS and TLS; declared once. */
public final class AccessSettings {

    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d{1,5})?");

    public static final Setting<Path> API_KEYS = Setting.path(
            "gateway.auth.api-keys",
            "",
            "The clients' API keys, a mounted secret: a folder with one file per client (file name: the client id;"
                    + " content: the key, or sha256:<hex> of it) or a file of 'client-id=key' lines. Requests to /v1/"
                    + " then need 'Authorization: Bearer <key>'.");
    public static final Setting<Duration> RELOAD_INTERVAL = Setting.duration(
                    "gateway.auth.reload-interval",
                    "10s",
                    "How often the API keys are read again, so that a rotated secret takes effect without a restart.")
            .must(Check.positive());
    public static final Setting<String> OAUTH2_ISSUER = Setting.string(
            "gateway.auth.oauth2.issuer",
            "",
            "Also accept OAuth2 bearer tokens (JWT) of this issuer: its iss claim, exactly; needs"
                    + " gateway.auth.oauth2.jwks-url and gateway.auth.oauth2.audience.");
    public static final Setting<String> OAUTH2_JWKS_URL = Setting.string(
            "gateway.auth.oauth2.jwks-url",
            "",
            "The issuer's signing keys (JWKS, its jwks_uri), fetched, cached and refetched for an unknown key id.");
    public static final Setting<String> OAUTH2_AUDIENCE = Setting.string(
            "gateway.auth.oauth2.audience", "", "The audience a token must name in its aud claim (this gateway).");
    public static final Setting<String> OAUTH2_CLIENT_CLAIM = Setting.string(
            "gateway.auth.oauth2.client-claim",
            "sub",
            "The claim that names the client (its rate-limit bucket and log name): sub, azp or client_id.");
    public static final Setting<Boolean> ALLOW_UNAUTHENTICATED = Setting.bool(
            "gateway.auth.allow-unauthenticated",
            false,
            "Without API keys or OAuth2, a gateway on a loopback gateway.host accepts every local caller and one on any other"
                    + " interface refuses to start; true lets it start there unauthenticated (behind a proxy that"
                    + " authenticates).");
    public static final Setting<Double> RATE_PER_SECOND = Setting.decimal(
                    "gateway.rate-limit.per-second",
                    100,
                    "Requests per second each client may send on average (a client: its API key, or its address"
                            + " without keys); above it 429 with Retry-After. 0: no limit.")
            .must(Check.finiteAtLeast(0));
    public static final Setting<Integer> RATE_BURST = Setting.integer(
                    "gateway.rate-limit.burst",
                    200,
                    "Requests a client may send at once beyond the average (the token bucket's size).")
            .must(Check.atLeast(1));
    public static final Setting<String> CORS_ALLOWED_ORIGINS = Setting.string(
                    "gateway.cors.allowed-origins",
                    "",
                    "Origins (scheme://host[:port], comma-separated) whose web pages may call the gateway from a"
                            + " browser; empty: none, every cross-origin preflight gets 403.")
            .must(Check.that(
                    "be a comma-separated list of scheme://host[:port]",
                    text -> origins(text).stream()
                            .allMatch(o -> ORIGIN.matcher(o).matches())));
    public static final Setting<Path> TLS_KEYSTORE = Setting.path(
            "gateway.tls.keystore",
            "",
            "PKCS12 or JKS keystore with the gateway's certificate and key: the port then speaks HTTPS only.");
    public static final Setting<String> TLS_KEYSTORE_PASSWORD =
            Setting.string("gateway.tls.keystore-password", "", "Password of that keystore and of its key.");
    public static final Setting<Path> TLS_CERTIFICATE = Setting.path(
            "gateway.tls.certificate",
            "",
            "Instead of a keystore: the certificate chain in PEM (tls.crt of a Kubernetes TLS secret).");
    public static final Setting<Path> TLS_PRIVATE_KEY = Setting.path(
            "gateway.tls.private-key", "", "Its private key in PEM, PKCS#8 ('BEGIN PRIVATE KEY', tls.key).");

    /** Every access setting, in the reference's order. */
    public static final List<Setting<?>> ALL = List.of(
            API_KEYS,
            RELOAD_INTERVAL,
            OAUTH2_ISSUER,
            OAUTH2_JWKS_URL,
            OAUTH2_AUDIENCE,
            OAUTH2_CLIENT_CLAIM,
            ALLOW_UNAUTHENTICATED,
            RATE_PER_SECOND,
            RATE_BURST,
            CORS_ALLOWED_ORIGINS,
            TLS_KEYSTORE,
            TLS_KEYSTORE_PASSWORD,
            TLS_CERTIFICATE,
            TLS_PRIVATE_KEY);

    /** The origins of a comma-separated list, trimmed, a trailing slash dropped. */
    static List<String> origins(String text) {
        return Pattern.compile(",")
                .splitAsStream(text)
                .map(String::trim)
                .filter(o -> !o.isEmpty())
                .map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o)
                .toList();
    }

    private AccessSettings() {}
}
