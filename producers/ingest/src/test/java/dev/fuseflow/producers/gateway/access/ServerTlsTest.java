package dev.fuseflow.producers.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong TLS file stops the start with the setting named and what to do, before any client connects. */
class ServerTlsTest {

    @TempDir
    Path dir;

    @Test
    void aKeystoreOrPemFilesBecomeTheKeyStoreAndMistakesNameTheSetting() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
        assertThat(ServerTls.keyStore(TlsConfig.keystore(certificate.keystore(), certificate.password()))
                        .size())
                .isEqualTo(1);
        assertThat(ServerTls.keyStore(TlsConfig.pem(certificate.certificatePem(), certificate.privateKeyPem()))
                        .isKeyEntry("gateway"))
                .isTrue();

        assertThatThrownBy(() -> ServerTls.keyStore(TlsConfig.keystore(certificate.keystore(), "wrong")))
                .hasMessageStartingWith("gateway.tls.keystore: cannot open " + certificate.keystore());
        Path pkcs1 = Files.writeString(
                dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ServerTls.keyStore(TlsConfig.pem(certificate.certificatePem(), pkcs1)))
                .hasMessageContaining("must hold an unencrypted PKCS#8 key ('BEGIN PRIVATE KEY')")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        Path notACertificate = Files.writeString(dir.resolve("tls.crt.txt"), "hello");
        assertThatThrownBy(() -> ServerTls.keyStore(TlsConfig.pem(notACertificate, certificate.privateKeyPem())))
                .hasMessageStartingWith("gateway.tls.certificate: ");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Path otherKey = Files.writeString(
                dir.resolve("other.key"),
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(
                                        rsa.generateKeyPair().getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ServerTls.keyStore(TlsConfig.pem(certificate.certificatePem(), otherKey)))
                .hasMessageStartingWith("gateway.tls.certificate, gateway.tls.private-key: ");
    }
}
