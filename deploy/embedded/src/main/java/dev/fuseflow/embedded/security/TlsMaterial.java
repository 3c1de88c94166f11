package dev.fuseflow.embedded.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost}/{@code 127.0.0.1} in a PKCS12 keystore, and a
 * PKCS12 truststore that trusts it: what a broker's TLS listener or an HTTPS registry needs on a
 * laptop or in a test.
 *
 * <p>Made with the JDK's own {@code keytool} (no library needed for one test certificate); a real
 * deployment brings certificates from its CA (cert-manager, Strimzi's cluster CA).
 *
 * @param keystore   private key and certificate, for the server
 * @param truststore the certificate alone, for clients
 * @param password   password of both stores (and of the key)
 */
public record TlsMaterial(Path keystore, Path truststore, String password) {

    /** The certificate's subject: what a listener that requires client certificates sees as the principal. */
    public static final String SUBJECT = "CN=localhost";

    /** Creates the stores in {@code dir} unless they exist from an earlier run. */
    public static TlsMaterial selfSigned(Path dir, String password) {
        Path keystore = dir.resolve("server.p12");
        Path truststore = dir.resolve("truststore.p12");
        if (Files.exists(keystore) && Files.exists(truststore)) {
            return new TlsMaterial(keystore, truststore, password);
        }
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(truststore);
            Path certificate = dir.resolve("server.crt");
            Files.deleteIfExists(certificate);
            generate(keystore, truststore, certificate, password);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create TLS stores in " + dir + ": " + e.getMessage(), e);
        }
        return new TlsMaterial(keystore, truststore, password);
    }

    /** A self-signed key pair for localhost, its certificate, and a truststore holding that certificate. */
    private static void generate(Path keystore, Path truststore, Path certificate, String password) throws IOException {
        keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "3650",
                "-dname",
                SUBJECT,
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-keypass",
                password);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "server",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "fuseflow-ca",
                "-file",
                certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                truststore.toString(),
                "-storepass",
                password);
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException(
                    "No keytool at " + keytool + ": run with a full JDK to make test certificates");
        }
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output.strip());
        }
    }
}
