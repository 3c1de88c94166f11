package dev.fuseflow.producers.gateway.access;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The gateway's HTTPS listener: Jetty's TLS connector with the certificate and key of a {@link TlsConfig}. */
public final class ServerTls {

    private static final Pattern PEM_KEY =
            Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private ServerTls() {}

    /** A connector that speaks HTTPS only (TLS 1.2 and 1.3, Jetty's default ciphers) on {@code host:port}. */
    public static Connector connector(Server server, HttpConfiguration http, TlsConfig tls, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore(tls));
        ssl.setKeyStorePassword(tls.keystore().isPresent() ? tls.keystorePassword() : new String(IN_MEMORY_PASSWORD));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(
                server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /**
     * The key store of {@code tls}: its keystore file, or one built from the PEM files.
     *
     * @throws IllegalArgumentException naming the setting whose file is wrong
     */
    static KeyStore keyStore(TlsConfig tls) {
        if (tls.keystore().isPresent()) {
            Path file = tls.keystore().get();
            try {
                return KeyStore.getInstance(
                        file.toFile(), tls.keystorePassword().toCharArray());
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        AccessSettings.TLS_KEYSTORE.key() + ": cannot open " + file + ": " + e.getMessage(), e);
            }
        }
        Path certificate = tls.certificate().orElseThrow();
        Path key = tls.privateKey().orElseThrow();
        try {
            PrivateKey privateKey = privateKey(key);
            List<? extends Certificate> chain = chain(certificate);
            requireKeyOf(chain.get(0), privateKey);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("gateway", privateKey, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    AccessSettings.TLS_CERTIFICATE.key() + ", "
                            + AccessSettings.TLS_PRIVATE_KEY.key() + ": the key does not go with the certificate: "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Signs a probe with the key and checks it with the certificate's public key: a key store takes a
     * mismatched pair without a word, and TLS handshakes would then fail with an obscure alert.
     */
    private static void requireKeyOf(Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "fuseflow-gateway".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        boolean matches;
        try {
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new GeneralSecurityException("the private key is not the one of the first certificate ("
                    + ((X509Certificate) certificate).getSubjectX500Principal() + ")");
        }
    }

    private static List<? extends Certificate> chain(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<? extends Certificate> chain =
                    List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(
                        AccessSettings.TLS_CERTIFICATE.key() + ": " + file + " holds no PEM certificate");
            }
            return chain;
        } catch (IOException e) {
            throw new UncheckedIOException(AccessSettings.TLS_CERTIFICATE.key() + ": cannot read " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    AccessSettings.TLS_CERTIFICATE.key() + ": " + file + " is not a PEM certificate chain: "
                            + e.getMessage(),
                    e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(AccessSettings.TLS_PRIVATE_KEY.key() + ": cannot read " + file, e);
        }
        Matcher pem = PEM_KEY.matcher(text);
        if (!pem.find() || !pem.group(1).isEmpty()) {
            throw new IllegalArgumentException(AccessSettings.TLS_PRIVATE_KEY.key() + ": " + file
                    + " must hold an unencrypted PKCS#8 key ('BEGIN PRIVATE KEY'); convert one with"
                    + " 'openssl pkcs8 -topk8 -nocrypt' (cert-manager: privateKey.encoding PKCS8)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException(
                AccessSettings.TLS_PRIVATE_KEY.key() + ": " + file + " is not an RSA, EC or Ed25519 key");
    }
}
