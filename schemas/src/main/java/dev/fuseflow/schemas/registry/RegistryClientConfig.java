package dev.fuseflow.schemas.registry;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Connection settings of {@link RestSchemaRegistryClient}, read from Confluent's config names so
 * that an existing serde configuration works unchanged:
 *
 * <ul>
 *   <li>{@code schema.registry.url}: one URL or a comma-separated list (tried in order);</li>
 *   <li>{@code basic.auth.credentials.source} ({@code USER_INFO} or {@code URL}) and
 *       {@code basic.auth.user.info} ({@code user:password});</li>
 *   <li>{@code http.connect.timeout.ms}, {@code http.read.timeout.ms};</li>
 *   <li>{@code max.retries}, {@code retries.wait.ms}, {@code retries.max.wait.ms}: retries with
 *       exponential backoff on connection errors and 5xx answers;</li>
 *   <li>{@code schema.registry.ssl.truststore.location} and {@code .password}: a PKCS12 or JKS
 *       truststore for an {@code https} registry whose certificate the JVM does not trust already.</li>
 * </ul>
 */
// More than eight components: built in one place, from the client properties by key.
@SuppressWarnings("checkstyle:RecordComponentNumber")
public record RegistryClientConfig(
        List<URI> urls,
        Optional<String> userInfo,
        Duration connectTimeout,
        Duration readTimeout,
        int maxRetries,
        Duration retryWait,
        Duration retryMaxWait,
        Optional<Path> truststore,
        Optional<String> truststorePassword) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";

    public RegistryClientConfig {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException(URL + " must name at least one registry URL");
        }
        urls = List.copyOf(urls);
        userInfo = Objects.requireNonNullElse(userInfo, Optional.empty());
        userInfo.ifPresent(RegistryClientConfig::requireUserInfoShape);
        requirePositive(CONNECT_TIMEOUT_MS, connectTimeout);
        requirePositive(READ_TIMEOUT_MS, readTimeout);
        if (maxRetries < 0) {
            throw new IllegalArgumentException(MAX_RETRIES + " must be 0 or more, got " + maxRetries);
        }
        requirePositive(RETRIES_WAIT_MS, retryWait);
        requirePositive(RETRIES_MAX_WAIT_MS, retryMaxWait);
        truststore = Objects.requireNonNullElse(truststore, Optional.empty());
        truststorePassword = Objects.requireNonNullElse(truststorePassword, Optional.empty());
        truststore.ifPresent(path -> {
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException(
                        TRUSTSTORE_LOCATION + " names " + path + ", which is not a readable file");
            }
        });
    }

    /** Reads the settings from a Kafka-style config map, with defaults for everything but the URL. */
    public static RegistryClientConfig from(Map<String, ?> configs) {
        Object urlValue = configs.get(URL);
        if (urlValue == null || urlValue.toString().isBlank()) {
            throw new IllegalArgumentException(
                    URL + " is not set: give the Schema Registry URL, e.g. http://localhost:8081");
        }
        List<URI> urls = Arrays.stream(urlValue.toString().split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(RegistryClientConfig::parseUrl)
                .toList();
        String source = string(configs, CREDENTIALS_SOURCE, "URL");
        Optional<String> userInfo = switch (source) {
            case "USER_INFO" ->
                Optional.of(requireSet(configs, USER_INFO, "when " + CREDENTIALS_SOURCE + "=USER_INFO"));
            case "URL" -> Optional.ofNullable(urls.get(0).getUserInfo());
            default ->
                throw new IllegalArgumentException(
                        CREDENTIALS_SOURCE + " must be USER_INFO or URL, got '" + source + "'");
        };
        return new RegistryClientConfig(
                urls,
                userInfo,
                Duration.ofMillis(longValue(configs, CONNECT_TIMEOUT_MS, 10_000)),
                Duration.ofMillis(longValue(configs, READ_TIMEOUT_MS, 30_000)),
                (int) longValue(configs, MAX_RETRIES, 3),
                Duration.ofMillis(longValue(configs, RETRIES_WAIT_MS, 100)),
                Duration.ofMillis(longValue(configs, RETRIES_MAX_WAIT_MS, 5_000)),
                Optional.ofNullable(configs.get(TRUSTSTORE_LOCATION))
                        .map(Object::toString)
                        .filter(s -> !s.isBlank())
                        .map(Path::of),
                Optional.ofNullable(configs.get(TRUSTSTORE_PASSWORD)).map(Object::toString));
    }

    private static URI parseUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(URL + " has an invalid URL '" + url + "': " + e.getMessage(), e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) && !"mock".equals(uri.getScheme())) {
            throw new IllegalArgumentException(URL + " must use http, https or mock, got '" + url + "'");
        }
        return uri;
    }

    private static void requireUserInfoShape(String userInfo) {
        if (!userInfo.contains(":")) {
            throw new IllegalArgumentException(USER_INFO + " must look like user:password");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive number of milliseconds, got " + value);
        }
    }

    private static String requireSet(Map<String, ?> configs, String key, String when) {
        Object value = configs.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException(key + " must be set " + when);
        }
        return value.toString();
    }

    private static String string(Map<String, ?> configs, String key, String defaultValue) {
        Object value = configs.get(key);
        return value == null ? defaultValue : value.toString().trim();
    }

    private static long longValue(Map<String, ?> configs, String key, long defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return value instanceof Number n
                    ? n.longValue()
                    : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'", e);
        }
    }
}
