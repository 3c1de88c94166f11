package dev.fuseflow.schemas.security;

import dev.fuseflow.schemas.registry.RegistryClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * How a FuseFlow component authenticates to Kafka (SASL/SCRAM, TLS) and to the schema registry
 * (HTTP basic auth, TLS), the same settings for every component:
 *
 * <table>
 *   <caption>settings and their environment variables</caption>
 *   <tr><td>{@code fuseflow.security.protocol}</td><td>PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL</td></tr>
 *   <tr><td>{@code fuseflow.security.sasl.mechanism}</td><td>SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN</td></tr>
 *   <tr><td>{@code fuseflow.security.sasl.username}, {@code .password}</td><td>the component's principal; or
 *       {@code .password-file}, a mounted secret</td></tr>
 *   <tr><td>{@code fuseflow.security.ssl.truststore.location}, {@code .password}</td><td>CA of the brokers</td></tr>
 *   <tr><td>{@code fuseflow.security.ssl.keystore.location}, {@code .password}</td><td>client certificate (mutual TLS)</td></tr>
 *   <tr><td>{@code fuseflow.security.registry.user-info}</td><td>{@code user:password} for the registry</td></tr>
 *   <tr><td>{@code fuseflow.security.registry.truststore.location}, {@code .password}</td><td>CA of an https registry</td></tr>
 * </table>
 *
 * <p>Each can also come from the environment: {@code fuseflow.security.sasl.password} is
 * {@code FUSEFLOW_SECURITY_SASL_PASSWORD}. Operators write a user name and password, never a JAAS
 * line; this class writes the JAAS line.
 *
 * <p>It lives in {@code schemas}, not with the services' settings in {@code runtime}, because
 * {@code FeedbackClientBuilder.security(ClientSecurity)} takes it: an app reads the same
 * {@code fuseflow.security.*} file as the services without the runtime module on its classpath
 * (Prometheus, picocli, the ops HTTP server). So it reads its keys from a plain map, and
 * {@link #load} layers file and environment itself, by the same rule as runtime's
 * {@code Settings.load} (a runtime test holds the two to the same result).
 */
// More than eight components: built from the security settings by key (from()).
@SuppressWarnings("checkstyle:RecordComponentNumber")
public record ClientSecurity(
        String protocol,
        String saslMechanism,
        Optional<String> username,
        Optional<String> password,
        Optional<Path> truststore,
        Optional<String> truststorePassword,
        Optional<Path> keystore,
        Optional<String> keystorePassword,
        Optional<String> registryUserInfo,
        Optional<Path> registryTruststore,
        Optional<String> registryTruststorePassword) {

    public static final String PROTOCOL = "fuseflow.security.protocol";
    public static final String SASL_MECHANISM = "fuseflow.security.sasl.mechanism";
    public static final String SASL_USERNAME = "fuseflow.security.sasl.username";
    public static final String SASL_PASSWORD = "fuseflow.security.sasl.password";
    public static final String SASL_PASSWORD_FILE = "fuseflow.security.sasl.password-file";
    public static final String TRUSTSTORE = "fuseflow.security.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "fuseflow.security.ssl.truststore.password";
    public static final String KEYSTORE = "fuseflow.security.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "fuseflow.security.ssl.keystore.password";
    public static final String REGISTRY_USER_INFO = "fuseflow.security.registry.user-info";
    public static final String REGISTRY_TRUSTSTORE = "fuseflow.security.registry.truststore.location";
    public static final String REGISTRY_TRUSTSTORE_PASSWORD = "fuseflow.security.registry.truststore.password";

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

    /** Every key with its default, so that a component's settings pick them up from the environment too. */
    public static final Map<String, String> DEFAULTS = defaults();

    /** No authentication, no TLS: the embedded stack's default. */
    public static final ClientSecurity NONE = from(DEFAULTS);

    public ClientSecurity {
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException(PROTOCOL + " must be one of " + PROTOCOLS + ", got '" + protocol + "'");
        }
        if (!MECHANISMS.contains(saslMechanism)) {
            throw new IllegalArgumentException(
                    SASL_MECHANISM + " must be one of " + MECHANISMS + ", got '" + saslMechanism + "'");
        }
        requireConsistent(protocol, username, password, truststore.isPresent() || keystore.isPresent());
        requireReadable(TRUSTSTORE, truststore);
        requireReadable(KEYSTORE, keystore);
        requireReadable(REGISTRY_TRUSTSTORE, registryTruststore);
        registryUserInfo.ifPresent(info -> {
            if (!info.contains(":")) {
                throw new IllegalArgumentException(REGISTRY_USER_INFO + " must look like user:password");
            }
        });
    }

    /**
     * Reads the {@code fuseflow.security.*} keys of a component's settings (a service passes
     * {@code settings.asMap()}); other keys are ignored, blank values count as unset.
     */
    public static ClientSecurity from(Map<String, String> s) {
        Optional<String> password = optional(s, SASL_PASSWORD)
                .or(() -> optional(s, SASL_PASSWORD_FILE).map(ClientSecurity::readSecret));
        return new ClientSecurity(
                optional(s, PROTOCOL).orElse("PLAINTEXT"),
                optional(s, SASL_MECHANISM).orElse("SCRAM-SHA-512"),
                optional(s, SASL_USERNAME),
                password,
                optional(s, TRUSTSTORE).map(Path::of),
                optional(s, TRUSTSTORE_PASSWORD),
                optional(s, KEYSTORE).map(Path::of),
                optional(s, KEYSTORE_PASSWORD),
                optional(s, REGISTRY_USER_INFO),
                optional(s, REGISTRY_TRUSTSTORE).map(Path::of),
                optional(s, REGISTRY_TRUSTSTORE_PASSWORD));
    }

    /**
     * Defaults, then the properties file if given, then each key's environment variable in
     * {@code env} ({@code fuseflow.security.sasl.password} is {@code FUSEFLOW_SECURITY_SASL_PASSWORD}).
     */
    public static ClientSecurity load(Optional<Path> file, Map<String, String> env) {
        Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
        file.ifPresent(f -> merged.putAll(readProperties(f)));
        for (String key : Map.copyOf(merged).keySet()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
            }
        }
        return from(merged);
    }

    /** Kafka client settings (producer, consumer, admin, streams alike); every value a string, as in a properties file. */
    public Map<String, String> kafkaProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            p.put("sasl.mechanism", saslMechanism);
            p.put("sasl.jaas.config", jaasConfig());
        }
        truststore.ifPresent(path -> p.put("ssl.truststore.location", path.toString()));
        truststorePassword.ifPresent(secret -> p.put("ssl.truststore.password", secret));
        keystore.ifPresent(path -> p.put("ssl.keystore.location", path.toString()));
        keystorePassword.ifPresent(secret -> {
            p.put("ssl.keystore.password", secret);
            p.put("ssl.key.password", secret);
        });
        return p;
    }

    /** Settings of FuseFlow's registry client, under Confluent's names. */
    public Map<String, String> registryProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        registryUserInfo.ifPresent(info -> {
            p.put(RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO");
            p.put(RegistryClientConfig.USER_INFO, info);
        });
        registryTruststore.ifPresent(path -> p.put(RegistryClientConfig.TRUSTSTORE_LOCATION, path.toString()));
        registryTruststorePassword.ifPresent(secret -> p.put(RegistryClientConfig.TRUSTSTORE_PASSWORD, secret));
        return p;
    }

    /** Both: a client config map that also configures the Avro serde's registry client. */
    public Map<String, String> clientProperties() {
        Map<String, String> p = new LinkedHashMap<>(kafkaProperties());
        p.putAll(registryProperties());
        return p;
    }

    /** For logs: the protocol and principal, never a secret. */
    public String describe() {
        return protocol
                + username.map(u -> " as " + u + " (" + saslMechanism + ")").orElse("")
                + registryUserInfo
                        .map(info -> ", registry as " + info.substring(0, info.indexOf(':')))
                        .orElse("");
    }

    @Override
    public String toString() {
        return "ClientSecurity[" + describe() + "]";
    }

    private String jaasConfig() {
        String module = saslMechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + quoted(username.orElseThrow()) + "\" password=\""
                + quoted(password.orElseThrow()) + "\";";
    }

    /** JAAS values are double-quoted strings with backslash escapes. */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static Optional<String> optional(Map<String, String> settings, String key) {
        return Optional.ofNullable(settings.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** The services' rule (runtime's {@code Settings.envName}): the leading "fuseflow." dropped, FUSEFLOW_ and upper case. */
    private static String envName(String key) {
        String bare = key.startsWith("fuseflow.") ? key.substring("fuseflow.".length()) : key;
        return "FUSEFLOW_" + bare.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the security config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> out.put(k, properties.getProperty(k)));
        return out;
    }

    private static String readSecret(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    SASL_PASSWORD_FILE + " names " + file + ", which cannot be read: " + e.getMessage(), e);
        }
    }

    private static void requireConsistent(
            String protocol, Optional<String> username, Optional<String> password, boolean tlsStores) {
        boolean sasl = protocol.startsWith("SASL_");
        if (sasl && (username.isEmpty() || password.isEmpty())) {
            throw new IllegalArgumentException(PROTOCOL + "=" + protocol + " needs the component's SCRAM user: set "
                    + SASL_USERNAME
                    + " and " + SASL_PASSWORD + " (or " + SASL_PASSWORD_FILE + "), e.g. as " + envName(SASL_USERNAME)
                    + " and " + envName(SASL_PASSWORD));
        }
        if (!sasl && username.isPresent()) {
            throw new IllegalArgumentException(SASL_USERNAME + " is set but " + PROTOCOL + " is " + protocol
                    + ", which does not authenticate: set " + PROTOCOL + " to SASL_SSL");
        }
        boolean tls = protocol.equals("SSL") || protocol.equals("SASL_SSL");
        if (!tls && tlsStores) {
            throw new IllegalArgumentException(TRUSTSTORE + " or " + KEYSTORE + " is set but " + PROTOCOL + " is "
                    + protocol + ", which does not use TLS: set it to SSL or SASL_SSL");
        }
    }

    private static void requireReadable(String key, Optional<Path> path) {
        path.ifPresent(p -> {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException(key + " names " + p + ", which is not a readable file");
            }
        });
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(PROTOCOL, "PLAINTEXT");
        d.put(SASL_MECHANISM, "SCRAM-SHA-512");
        for (String key : new String[] {
            SASL_USERNAME,
            SASL_PASSWORD,
            SASL_PASSWORD_FILE,
            TRUSTSTORE,
            TRUSTSTORE_PASSWORD,
            KEYSTORE,
            KEYSTORE_PASSWORD,
            REGISTRY_USER_INFO,
            REGISTRY_TRUSTSTORE,
            REGISTRY_TRUSTSTORE_PASSWORD
        }) {
            d.put(key, "");
        }
        return Map.copyOf(d);
    }
}
