package dev.fuseflow.producers.gateway.access;

import dev.fuseflow.runtime.config.Settings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the gateway's certificate and key are: a keystore, or a PEM certificate chain and key.
 *
 * @param keystore         PKCS12 or JKS keystore; empty when PEM files are given
 * @param keystorePassword password of the keystore and its key
 * @param certificate      PEM certificate chain; empty with a keystore
 * @param privateKey       PEM PKCS#8 private key of {@code certificate}
 */
public record TlsConfig(
        Optional<Path> keystore, String keystorePassword, Optional<Path> certificate, Optional<Path> privateKey) {

    public TlsConfig {
        Objects.requireNonNull(keystorePassword, "keystorePassword");
        if (keystore.isPresent() == certificate.isPresent()) {
            throw new IllegalArgumentException(
                    "give either " + AccessSettings.TLS_KEYSTORE.key() + " or " + AccessSettings.TLS_CERTIFICATE.key()
                            + " with " + AccessSettings.TLS_PRIVATE_KEY.key() + ", not both");
        }
        if (certificate.isPresent() != privateKey.isPresent()) {
            throw new IllegalArgumentException(AccessSettings.TLS_CERTIFICATE.key() + " and "
                    + AccessSettings.TLS_PRIVATE_KEY.key() + " go together: set both");
        }
    }

    public static TlsConfig keystore(Path keystore, String password) {
        return new TlsConfig(Optional.of(keystore), password, Optional.empty(), Optional.empty());
    }

    public static TlsConfig pem(Path certificate, Path privateKey) {
        return new TlsConfig(Optional.empty(), "", Optional.of(certificate), Optional.of(privateKey));
    }

    /** The TLS settings, empty when none of the files is named (plain HTTP). */
    static Optional<TlsConfig> from(Settings s) {
        Optional<Path> keystore = s.optional(AccessSettings.TLS_KEYSTORE);
        Optional<Path> certificate = s.optional(AccessSettings.TLS_CERTIFICATE);
        Optional<Path> key = s.optional(AccessSettings.TLS_PRIVATE_KEY);
        if (keystore.isEmpty() && certificate.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TlsConfig(keystore, s.get(AccessSettings.TLS_KEYSTORE_PASSWORD), certificate, key));
    }
}
