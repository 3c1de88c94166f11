package dev.fuseflow.producers.gateway.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.Set;

/**
 * OAuth2 bearer tokens of one issuer, as JWTs: the signature by one of the issuer's keys (its JWKS,
 * cached and refetched when a token names a key id not yet seen), an asymmetric algorithm only (no
 * {@code none}, no HMAC with a public key), {@code iss} exactly the issuer, {@code aud} holding the
 * audience, {@code exp} not passed (a minute of clock skew), and the client claim present.
 */
public final class BearerTokens {

    /** Why a token was not accepted: the token's fault (401), or the issuer's keys could not be had (503). */
    public static final class RejectedToken extends Exception {
        private static final long serialVersionUID = 1L;

        private final boolean issuerUnavailable;

        RejectedToken(String message, boolean issuerUnavailable, Throwable cause) {
            super(message, cause);
            this.issuerUnavailable = issuerUnavailable;
        }

        public boolean issuerUnavailable() {
            return issuerUnavailable;
        }
    }

    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String clientClaim;

    public BearerTokens(OAuth2Config config) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(config.jwksUrl().toURL())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(
                    AccessSettings.OAUTH2_JWKS_URL.key() + " is not a URL: " + config.jwksUrl(), e);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ASYMMETRIC, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                config.audience(),
                new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
                Set.of("exp", config.clientClaim())));
        this.clientClaim = config.clientClaim();
    }

    /** Whether a bearer credential is a JWT (three base64url parts) rather than an API key. */
    public static boolean looksLikeJwt(String credential) {
        return credential.chars().filter(c -> c == '.').count() == 2;
    }

    /**
     * The client a valid token names.
     *
     * @throws RejectedToken saying why it is not valid, or that the issuer's keys could not be fetched
     */
    public String clientOf(String token) throws RejectedToken {
        try {
            Object client = processor.process(token, null).getClaim(clientClaim);
            return String.valueOf(client);
        } catch (ParseException | BadJOSEException e) {
            throw new RejectedToken(e.getMessage(), false, e);
        } catch (JOSEException e) {
            throw new RejectedToken("the issuer's keys could not be fetched: " + e.getMessage(), true, e);
        }
    }
}
