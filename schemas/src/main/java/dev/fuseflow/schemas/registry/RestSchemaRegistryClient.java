package dev.fuseflow.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of Confluent's Schema Registry REST API (also served by Apicurio's ccompat API), written
 * here because Confluent's own client is not on Maven Central. Caches ids and schemas; retries
 * connection errors and 5xx answers with exponential backoff, failing over between URLs.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Confluent's bound against a leak of fresh Schema objects, one per record, into the cache. */
    static final int MAX_SCHEMAS_PER_SUBJECT = 1_000;

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Optional<String> authorization;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, RegisteredSchema>> lookupsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.connectTimeout());
        config.truststore()
                .ifPresent(path -> builder.sslContext(
                        trusting(path, config.truststorePassword().orElse(""))));
        this.http = builder.build();
        this.authorization = config.userInfo()
                .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    }

    /** TLS that trusts the certificates of one truststore (the JDK reads PKCS12 and JKS alike). */
    private static SSLContext trusting(Path truststore, String password) {
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(in, password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    RegistryClientConfig.TRUSTSTORE_LOCATION + ": cannot load " + truststore + " (" + e.getMessage()
                            + "); check the file and " + RegistryClientConfig.TRUSTSTORE_PASSWORD,
                    e);
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        return cached(idsBySubject, subject).computeIfAbsent(schema, s -> {
            JsonNode answer = send(
                    "register a schema", subject, "POST", "/subjects/" + encode(subject) + "/versions", schemaBody(s));
            int id = answer.path("id").asInt();
            schemasById.putIfAbsent(id, s);
            return id;
        });
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return cached(lookupsBySubject, subject).computeIfAbsent(schema, s -> {
            JsonNode answer = send("look up a schema", subject, "POST", "/subjects/" + encode(subject), schemaBody(s));
            RegisteredSchema found = new RegisteredSchema(
                    subject, answer.path("id").asInt(), answer.path("version").asInt(), s);
            schemasById.putIfAbsent(found.id(), s);
            return found;
        });
    }

    @Override
    public Schema schemaById(int id) {
        Schema cachedSchema = schemasById.get(id);
        if (cachedSchema != null) {
            return cachedSchema;
        }
        JsonNode answer = send("fetch schema id " + id, null, "GET", "/schemas/ids/" + id, null);
        Schema schema = parseWithReferences(answer, "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send(
                "fetch the latest version", subject, "GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        int id = answer.path("id").asInt();
        Schema schema = schemasById.computeIfAbsent(id, i -> parseWithReferences(answer, "subject " + subject));
        return new RegisteredSchema(subject, id, answer.path("version").asInt(), schema);
    }

    @Override
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = send(
                    "check compatibility",
                    subject,
                    "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                    schemaBody(schema));
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return new CompatibilityResult(true, List.of("subject '" + subject + "' has no version yet"));
            }
            throw e;
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return new CompatibilityResult(answer.path("is_compatible").asBoolean(), messages);
    }

    @Override
    public CompatibilityLevel compatibility() {
        return CompatibilityLevel.parse(send("read the global compatibility", null, "GET", "/config", null)
                .path("compatibilityLevel")
                .asText());
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        try {
            return CompatibilityLevel.parse(
                    send("read the compatibility", subject, "GET", "/config/" + encode(subject), null)
                            .path("compatibilityLevel")
                            .asText());
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return compatibility();
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(CompatibilityLevel level) {
        send("set the global compatibility", null, "PUT", "/config", compatibilityBody(level));
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        send("set the compatibility", subject, "PUT", "/config/" + encode(subject), compatibilityBody(level));
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("list subjects", null, "GET", "/subjects", null).forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    private <V> Map<Schema, V> cached(Map<String, Map<Schema, V>> bySubject, String subject) {
        Map<Schema, V> cache = bySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        if (cache.size() >= MAX_SCHEMAS_PER_SUBJECT) {
            throw new IllegalStateException(
                    "More than " + MAX_SCHEMAS_PER_SUBJECT + " distinct schemas used with subject '" + subject
                            + "': reuse one Schema object per record type instead of parsing one per record");
        }
        return cache;
    }

    private String schemaBody(Schema schema) {
        ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        body.put("schemaType", "AVRO");
        return body.toString();
    }

    private String compatibilityBody(CompatibilityLevel level) {
        return json.createObjectNode().put("compatibility", level.name()).toString();
    }

    /**
     * Parses a schema answer, first parsing the schemas it references (Confluent schema
     * references: named types another subject defines, as Apicurio's serializer registers them).
     */
    private Schema parseWithReferences(JsonNode answer, String what) {
        Schema.Parser parser = new Schema.Parser();
        parseReferences(answer.path("references"), parser, new HashSet<>(), what);
        return parse(parser, answer.path("schema").asText(), what);
    }

    private void parseReferences(JsonNode references, Schema.Parser parser, Set<String> parsed, String what) {
        for (JsonNode reference : references) {
            String subject = reference.path("subject").asText();
            String version = reference.path("version").asText("latest");
            if (!parsed.add(subject + "/" + version)) {
                continue;
            }
            JsonNode referenced = send(
                    "fetch referenced schema '" + reference.path("name").asText() + "'",
                    subject,
                    "GET",
                    "/subjects/" + encode(subject) + "/versions/" + encode(version),
                    null);
            parseReferences(referenced.path("references"), parser, parsed, what);
            if (!parser.getTypes().containsKey(reference.path("name").asText())) {
                parse(
                        parser,
                        referenced.path("schema").asText(),
                        what + " (reference " + subject + " v" + version + ")");
            }
        }
    }

    private static Schema parse(Schema.Parser parser, String schema, String what) {
        try {
            return parser.parse(schema);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(
                    "The registry returned an unparsable Avro schema for " + what + ": " + e.getMessage(),
                    null,
                    200,
                    0,
                    e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * One request with retries: connection errors and 5xx answers are retried with exponential
     * backoff, moving to the next URL each time; 4xx answers fail at once.
     */
    private JsonNode send(String operation, String subject, String method, String path, String body) {
        SchemaRegistryException lastFailure = null;
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            URI base = config.urls().get(attempt % config.urls().size());
            try {
                HttpResponse<String> response =
                        http.send(request(base, method, path, body), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return json.readTree(response.body());
                }
                lastFailure = failure(operation, subject, base, response);
                if (response.statusCode() < 500) {
                    throw lastFailure;
                }
            } catch (IOException e) {
                lastFailure = new SchemaRegistryException(
                        "Cannot " + operation + subjectPart(subject) + ": no answer from " + base + " (" + e + ")",
                        subject,
                        0,
                        0,
                        e);
            } catch (InterruptedException e) {
                throw new InterruptException("Interrupted while trying to " + operation + subjectPart(subject), e);
            }
            LOG.debug(
                    "Schema Registry attempt {} of {} failed: {}",
                    attempt + 1,
                    config.maxRetries() + 1,
                    lastFailure.getMessage());
        }
        throw lastFailure;
    }

    private HttpRequest request(URI base, String method, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(stripSlash(base.toString()) + path))
                .timeout(config.readTimeout())
                .header("Accept", CONTENT_TYPE)
                .header("Content-Type", CONTENT_TYPE)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        authorization.ifPresent(a -> builder.header("Authorization", a));
        return builder.build();
    }

    private SchemaRegistryException failure(String operation, String subject, URI base, HttpResponse<String> response) {
        int errorCode = 0;
        String message = response.body();
        try {
            JsonNode error = json.readTree(response.body());
            errorCode = error.path("error_code").asInt(0);
            message = error.path("message").asText(message);
        } catch (IOException | RuntimeException e) {
            // Not JSON (a proxy's HTML page, say): the raw body is the best message there is.
        }
        return new SchemaRegistryException(
                "Schema Registry at " + base + " refused to " + operation + subjectPart(subject) + ": HTTP "
                        + response.statusCode() + ", error code " + errorCode + ": " + message,
                subject,
                response.statusCode(),
                errorCode,
                null);
    }

    private void backoff(int attempt) {
        long base =
                Math.min(config.retryMaxWait().toMillis(), config.retryWait().toMillis() << Math.min(attempt - 1, 20));
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        try {
            Thread.sleep(jittered);
        } catch (InterruptedException e) {
            throw new InterruptException("Interrupted while waiting to retry a Schema Registry request", e);
        }
    }

    private static String subjectPart(String subject) {
        return subject == null ? "" : " for subject '" + subject + "'";
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
