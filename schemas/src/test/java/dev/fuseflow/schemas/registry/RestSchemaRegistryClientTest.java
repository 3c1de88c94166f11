package dev.fuseflow.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.fuseflow.schemas.avro.GenerationEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retry, failover, caching and error translation against a scripted HTTP server; the real
 * registry's behaviour is covered by the tests that run against Apicurio.
 */
class RestSchemaRegistryClientTest {

    private HttpServer server;
    private final Deque<int[]> statuses = new ArrayDeque<>();
    private final Deque<String> bodies = new ArrayDeque<>();
    private final List<String> requests = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            int status = statuses.isEmpty() ? 200 : statuses.poll()[0];
            byte[] body = (bodies.isEmpty() ? "{}" : bodies.poll()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(int status, String body) {
        statuses.add(new int[] {status});
        bodies.add(body);
    }

    private RestSchemaRegistryClient client(Map<String, Object> extra) {
        Map<String, Object> config =
                new HashMap<>(Map.of("schema.registry.url", url(), "retries.wait.ms", 1, "retries.max.wait.ms", 5));
        config.putAll(extra);
        return new RestSchemaRegistryClient(RegistryClientConfig.from(config));
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void serverErrorsAreRetriedThenSucceed() {
        answer(503, "{\"error_code\":50301,\"message\":\"busy\"}");
        answer(500, "{\"error_code\":50001,\"message\":\"store error\"}");
        answer(200, "{\"id\":7}");
        assertThat(client(Map.of()).register("s", GenerationEvent.getClassSchema()))
                .isEqualTo(7);
        assertThat(requests).hasSize(3).allMatch(r -> r.equals("POST /subjects/s/versions"));
    }

    @Test
    void retriesStopAfterMaxRetriesWithTheLastError() {
        for (int i = 0; i < 3; i++) {
            answer(503, "{\"error_code\":50301,\"message\":\"busy\"}");
        }
        assertThatThrownBy(() -> client(Map.of("max.retries", 2)).register("s", GenerationEvent.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.errorCode()).isEqualTo(50301);
                    assertThat(e.subject()).isEqualTo("s");
                })
                .hasMessageContaining("refused to register a schema for subject 's': HTTP 503, error code 50301: busy");
        assertThat(requests).hasSize(3);
    }

    @Test
    void clientErrorsFailAtOnceNamingSubjectStatusAndCode() {
        answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
        assertThatThrownBy(() -> client(Map.of()).register("orders-value", GenerationEvent.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isIncompatibleSchema()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("subject 'orders-value'")
                .hasMessageContaining("HTTP 409");
        assertThat(requests).hasSize(1);
    }

    @Test
    void registeredIdsAndFetchedSchemasAreCached() {
        answer(200, "{\"id\":3}");
        RestSchemaRegistryClient client = client(Map.of());
        client.register("s", GenerationEvent.getClassSchema());
        client.register("s", GenerationEvent.getClassSchema());
        assertThat(client.schemaById(3)).isSameAs(GenerationEvent.getClassSchema());
        assertThat(requests).hasSize(1);
    }

    @Test
    void anUnreachableFirstUrlFailsOverToTheNext() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        answer(200, "{\"schema\":\"\\\"string\\\"\"}");
        RestSchemaRegistryClient client =
                client(Map.of("schema.registry.url", "http://127.0.0.1:" + deadPort + "," + url()));
        assertThat(client.schemaById(1).getType()).isEqualTo(Schema.Type.STRING);
    }

    @Test
    void noAnswerAtAllIsStatusZeroWithTheCause() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        RestSchemaRegistryClient client =
                client(Map.of("schema.registry.url", "http://127.0.0.1:" + deadPort, "max.retries", 1));
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isZero())
                .hasMessageContaining("no answer from http://127.0.0.1:" + deadPort)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void basicAuthIsSentOnEveryRequest() {
        answer(200, "[\"a\",\"b\"]");
        List<String> subjects = client(
                        Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "app:secret"))
                .subjects();
        assertThat(subjects).containsExactly("a", "b");
        assertThat(authorizations).containsExactly("Basic YXBwOnNlY3JldA==");
    }

    @Test
    void schemaReferencesAreFetchedAndParsedFirst() {
        answer(
                200,
                "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Outer\\\",\\\"namespace\\\":\\\"x\\\","
                        + "\\\"fields\\\":[{\\\"name\\\":\\\"inner\\\",\\\"type\\\":\\\"x.Inner\\\"}]}\","
                        + "\"references\":[{\"name\":\"x.Inner\",\"subject\":\"x.Inner\",\"version\":1}]}");
        answer(
                200,
                "{\"subject\":\"x.Inner\",\"version\":1,\"id\":1,\"schema\":\"{\\\"type\\\":\\\"record\\\","
                        + "\\\"name\\\":\\\"Inner\\\",\\\"namespace\\\":\\\"x\\\",\\\"fields\\\":[]}\"}");
        Schema outer = client(Map.of()).schemaById(2);
        assertThat(outer.getField("inner").schema().getFullName()).isEqualTo("x.Inner");
        assertThat(requests).containsExactly("GET /schemas/ids/2", "GET /subjects/x.Inner/versions/1");
    }

    @Test
    void subjectsAreUrlEncoded() {
        answer(200, "{\"compatibilityLevel\":\"FULL\"}");
        assertThat(client(Map.of()).compatibility("my topic/value")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(requests).containsExactly("GET /config/my%20topic%2Fvalue");
    }

    @Test
    void aSubjectWithoutItsOwnLevelFallsBackToTheGlobalOne() {
        answer(
                404,
                "{\"error_code\":40408,\"message\":\"Subject does not have subject-level compatibility configured\"}");
        answer(200, "{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(client(Map.of()).compatibility("s")).isEqualTo(CompatibilityLevel.BACKWARD);
    }
}
