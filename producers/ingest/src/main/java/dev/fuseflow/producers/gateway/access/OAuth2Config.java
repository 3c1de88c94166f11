package dev.fuseflow.producers.gateway.access;

import dev.fuseflow.runtime.config.Settings;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The OAuth2 issuer whose bearer tokens (JWT) the gateway accepts.
 *
 * @param issuer      the tokens' {@code iss}, exactly
 * @param jwksUrl     where the issuer's signing keys are (http or https)
 * @param audience    what the tokens' {@code aud} must contain
 * @param clientClaim the claim that names the client
 */
public record OAuth2Config(String issuer, URI jwksUrl, String audience, String clientClaim) {

    public OAuth2Config {
        Objects.requireNonNull(jwksUrl, "jwksUrl");
        require(issuer, AccessSettings.OAUTH2_ISSUER.key());
        require(audience, AccessSettings.OAUTH2_AUDIENCE.key());
        require(clientClaim, AccessSettings.OAUTH2_CLIENT_CLAIM.key());
        if (!"https".equals(jwksUrl.getScheme()) && !"http".equals(jwksUrl.getScheme())) {
            throw new IllegalArgumentException(
                    AccessSettings.OAUTH2_JWKS_URL.key() + " must be an http(s) URL, got " + jwksUrl);
        }
    }

    private static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must be set with " + AccessSettings.OAUTH2_ISSUER.key());
        }
    }

    /** The OAuth2 settings; empty when no issuer is set. */
    static Optional<OAuth2Config> from(Settings s) {
        String issuer = s.get(AccessSettings.OAUTH2_ISSUER);
        String jwks = s.get(AccessSettings.OAUTH2_JWKS_URL);
        if (issuer.isBlank()) {
            if (!jwks.isBlank() || !s.get(AccessSettings.OAUTH2_AUDIENCE).isBlank()) {
                throw new IllegalArgumentException(AccessSettings.OAUTH2_JWKS_URL.key() + " and "
                        + AccessSettings.OAUTH2_AUDIENCE.key() + " need " + AccessSettings.OAUTH2_ISSUER.key());
            }
            return Optional.empty();
        }
        if (jwks.isBlank()) {
            throw new IllegalArgumentException(
                    AccessSettings.OAUTH2_JWKS_URL.key() + " must be set with " + AccessSettings.OAUTH2_ISSUER.key());
        }
        URI url;
        try {
            url = URI.create(jwks);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    AccessSettings.OAUTH2_JWKS_URL.key() + " is not a URL: " + e.getMessage(), e);
        }
        return Optional.of(new OAuth2Config(
                issuer, url, s.get(AccessSettings.OAUTH2_AUDIENCE), s.get(AccessSettings.OAUTH2_CLIENT_CLAIM)));
    }
}
