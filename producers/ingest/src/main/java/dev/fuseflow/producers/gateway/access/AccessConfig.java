package dev.fuseflow.producers.gateway.access;

import dev.fuseflow.runtime.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who may call the gateway and how, from {@link AccessSettings}.
 *
 * @param apiKeys              the clients' keys (a file or folder); empty: none
 * @param reloadInterval       how often the keys are read again
 * @param oauth2               the issuer whose bearer tokens are accepted; empty: none
 * @param allowUnauthenticated whether a gateway without keys or issuer may listen beyond loopback
 * @param ratePerSecond        requests per second per client on average; 0: no limit
 * @param burst                requests per client at once beyond the average
 * @param allowedOrigins       origins whose pages may call from a browser; empty: none
 * @param tls                  the certificate and key; empty: plain HTTP
 */
public record AccessConfig(
        Optional<Path> apiKeys,
        Duration reloadInterval,
        Optional<OAuth2Config> oauth2,
        boolean allowUnauthenticated,
        double ratePerSecond,
        int burst,
        List<String> allowedOrigins,
        Optional<TlsConfig> tls) {

    public AccessConfig {
        AccessSettings.RELOAD_INTERVAL.require(reloadInterval);
        AccessSettings.RATE_PER_SECOND.require(ratePerSecond);
        AccessSettings.RATE_BURST.require(burst);
        allowedOrigins = List.copyOf(allowedOrigins);
        AccessSettings.CORS_ALLOWED_ORIGINS.require(String.join(",", allowedOrigins));
    }

    /** No keys, no limit, no CORS, plain HTTP: a gateway for this host only (tests, a developer's machine). */
    public static AccessConfig local() {
        return new AccessConfig(
                Optional.empty(), Duration.ofSeconds(10), Optional.empty(), false, 0, 1, List.of(), Optional.empty());
    }

    public AccessConfig withApiKeys(Path keys) {
        return new AccessConfig(
                Optional.of(keys),
                reloadInterval,
                oauth2,
                allowUnauthenticated,
                ratePerSecond,
                burst,
                allowedOrigins,
                tls);
    }

    public AccessConfig withOAuth2(OAuth2Config issuer) {
        return new AccessConfig(
                apiKeys,
                reloadInterval,
                Optional.of(issuer),
                allowUnauthenticated,
                ratePerSecond,
                burst,
                allowedOrigins,
                tls);
    }

    /** Whether callers must authenticate: keys or an issuer are configured. */
    public boolean authenticates() {
        return apiKeys.isPresent() || oauth2.isPresent();
    }

    public AccessConfig withRateLimit(double perSecond, int burstSize) {
        return new AccessConfig(
                apiKeys, reloadInterval, oauth2, allowUnauthenticated, perSecond, burstSize, allowedOrigins, tls);
    }

    public AccessConfig withAllowedOrigins(List<String> origins) {
        return new AccessConfig(
                apiKeys, reloadInterval, oauth2, allowUnauthenticated, ratePerSecond, burst, origins, tls);
    }

    public AccessConfig withTls(TlsConfig tlsConfig) {
        return new AccessConfig(
                apiKeys,
                reloadInterval,
                oauth2,
                allowUnauthenticated,
                ratePerSecond,
                burst,
                allowedOrigins,
                Optional.of(tlsConfig));
    }

    public static AccessConfig from(Settings s) {
        return new AccessConfig(
                s.optional(AccessSettings.API_KEYS),
                s.get(AccessSettings.RELOAD_INTERVAL),
                OAuth2Config.from(s),
                s.get(AccessSettings.ALLOW_UNAUTHENTICATED),
                s.get(AccessSettings.RATE_PER_SECOND),
                s.get(AccessSettings.RATE_BURST),
                AccessSettings.origins(s.get(AccessSettings.CORS_ALLOWED_ORIGINS)),
                TlsConfig.from(s));
    }

    /**
     * Refuses to open an unauthenticated gateway beyond this host (as Redis' protected mode does):
     * without API keys the gateway must listen on a loopback address, or be told that something in
     * front of it authenticates.
     *
     * @throws IllegalStateException naming the settings, when {@code host} is not loopback and nothing authenticates
     */
    public void requireProtected(String host) {
        if (authenticates() || allowUnauthenticated || isLoopback(host)) {
            return;
        }
        throw new IllegalStateException("gateway.host=" + host + " accepts connections from other machines, but"
                + " neither " + AccessSettings.API_KEYS.key() + " (" + AccessSettings.API_KEYS.envName() + ") nor "
                + AccessSettings.OAUTH2_ISSUER.key() + " is set: name the mounted secret of client keys or the"
                + " OAuth2 issuer, or set " + AccessSettings.ALLOW_UNAUTHENTICATED.key()
                + "=true if a proxy in front of the gateway authenticates");
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("gateway.host=" + host + " does not resolve: " + e.getMessage(), e);
        }
    }
}
