package dev.fuseflow.producers.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.producers.gateway.access.AccessConfig;
import dev.fuseflow.producers.gateway.access.ApiKeys;
import dev.fuseflow.producers.gateway.access.OAuth2Config;
import dev.fuseflow.producers.gateway.access.SelfSignedCertificate;
import dev.fuseflow.producers.gateway.access.TlsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may call the gateway: each refusal (401, 403, 429), CORS and TLS, through a real HTTP client and broker. */
@WithEmbeddedStack
class GatewayAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_A = "a".repeat(20) + "0123456789abcdef";
    private static final String KEY_B = "b".repeat(20) + "0123456789abcdef";
    private static final String KEY_C = "c".repeat(20) + "0123456789abcdef";

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private GatewayConfig config(EmbeddedStack stack, AccessConfig access) throws Exception {
        return GatewayTest.config(
                        stack.bootstrapServers(),
                        stack.schemaRegistryUrl(),
                        GatewayTest.prefix(stack.bootstrapServers()),
                        Duration.ofSeconds(10))
                .withAccess(access);
    }

    /** A secret mounted as Kubernetes does: one file per client, hidden ..data entries beside them. */
    private Path keysFolder() throws IOException {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.writeString(keys.resolve("app-a"), KEY_A + "\n");
        Files.writeString(keys.resolve("app-b"), "sha256:" + HexFormat.of().formatHex(ApiKeys.sha256(KEY_B)));
        Files.createDirectories(keys.resolve("..data"));
        Files.writeString(keys.resolve("..data_tmp"), "not a client");
        return keys;
    }

    private static HttpRequest.Builder request(Gateway gateway, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path));
    }

    private HttpResponse<String> postEvent(Gateway gateway, String authorization) throws Exception {
        HttpRequest.Builder request = request(gateway, "/v1/generations")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GatewayTest.GENERATION));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String problem(HttpResponse<String> answer) throws IOException {
        JsonNode error = JSON.readTree(answer.body()).path("errors").path(0);
        return error.path("field").asText() + " " + error.path("problem").asText();
    }

    @Test
    void anEventNeedsTheKeyOfAClientAndARotatedSecretTakesEffectWithoutARestart(EmbeddedStack stack) throws Exception {
        Path keys = keysFolder();
        AccessConfig access = new AccessConfig(
                Optional.of(keys), Duration.ofMillis(100), Optional.empty(), false, 0, 1, List.of(), Optional.empty());
        try (Gateway gateway = Gateway.start(config(stack, access))) {
            HttpResponse<String> missing = postEvent(gateway, null);
            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"fuseflow-gateway\"");
            assertThat(problem(missing))
                    .isEqualTo("Authorization is missing: send 'Authorization: Bearer <API key or token>'");

            HttpResponse<String> basic = postEvent(gateway, "Basic YTpi");
            assertThat(basic.statusCode()).isEqualTo(401);
            assertThat(problem(basic)).isEqualTo("Authorization must be 'Bearer <API key or token>'");

            HttpResponse<String> wrong = postEvent(gateway, "Bearer " + KEY_C);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("error=\"invalid_token\"");
            assertThat(problem(wrong)).isEqualTo("Authorization does not hold a known API key");
            assertThat(wrong.body()).doesNotContain(KEY_C);

            assertThat(postEvent(gateway, "Bearer " + KEY_A).statusCode()).isEqualTo(202);
            assertThat(postEvent(gateway, "bearer " + KEY_B).statusCode())
                    .as("a key listed by its SHA-256 only; the scheme is case-blind")
                    .isEqualTo(202);
            assertThat(http.send(request(gateway, "/health/ready").build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("probes need no key")
                    .isEqualTo(200);

            Files.writeString(keys.resolve("app-c"), KEY_C);
            Files.delete(keys.resolve("app-a"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (postEvent(gateway, "Bearer " + KEY_C).statusCode() != 202 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(postEvent(gateway, "Bearer " + KEY_C).statusCode()).isEqualTo(202);
            assertThat(postEvent(gateway, "Bearer " + KEY_A).statusCode())
                    .as("a key removed from the secret")
                    .isEqualTo(401);

            Files.writeString(keys.resolve("app-d"), "short");
            Thread.sleep(400);
            assertThat(postEvent(gateway, "Bearer " + KEY_C).statusCode())
                    .as("a broken secret keeps the keys in force")
                    .isEqualTo(202);
        }
    }

    @Test
    void aClientAboveItsRateGets429WithRetryAfterAndOtherClientsAreNotSlowed(EmbeddedStack stack) throws Exception {
        AccessConfig access = AccessConfig.local().withApiKeys(keysFolder()).withRateLimit(0.5, 2);
        try (Gateway gateway = Gateway.start(config(stack, access))) {
            assertThat(postEvent(gateway, "Bearer " + KEY_A).statusCode()).isEqualTo(202);
            assertThat(postEvent(gateway, "Bearer " + KEY_A).statusCode()).isEqualTo(202);
            HttpResponse<String> limited = postEvent(gateway, "Bearer " + KEY_A);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After"))
                    .as("one token at 0.5 a second")
                    .contains("2");
            assertThat(problem(limited))
                    .startsWith("client app-a is above its rate limit of 0.5 requests/s with bursts of 2")
                    .endsWith("retry in 2 s");
            assertThat(postEvent(gateway, "Bearer " + KEY_B).statusCode())
                    .as("another client's bucket")
                    .isEqualTo(202);
            assertThat(postEvent(gateway, null).statusCode())
                    .as("no key: refused before it costs a token")
                    .isEqualTo(401);
            Thread.sleep(2_100);
            assertThat(postEvent(gateway, "Bearer " + KEY_A).statusCode())
                    .as("after Retry-After")
                    .isEqualTo(202);
        }
    }

    private HttpResponse<String> preflight(Gateway gateway, String origin) throws Exception {
        return http.send(
                request(gateway, "/v1/generations")
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "authorization, content-type")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void browsersAreRefusedUnlessTheirOriginIsAllowed(EmbeddedStack stack) throws Exception {
        try (Gateway closed = Gateway.start(config(stack, AccessConfig.local()))) {
            HttpResponse<String> refused = preflight(closed, "https://app.example");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
            assertThat(problem(refused)).contains("Origin 'https://app.example' may not call the gateway");
            HttpResponse<String> crossOrigin = http.send(
                    request(closed, "/health/live")
                            .header("Origin", "https://app.example")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(crossOrigin.headers().firstValue("Access-Control-Allow-Origin"))
                    .as("a page of another origin cannot read the answer")
                    .isEmpty();
        }
        AccessConfig access =
                AccessConfig.local().withApiKeys(keysFolder()).withAllowedOrigins(List.of("https://app.example"));
        try (Gateway open = Gateway.start(config(stack, access))) {
            HttpResponse<String> allowed = preflight(open, "https://app.example");
            assertThat(allowed.statusCode()).as("a preflight carries no key").isEqualTo(204);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("https://app.example");
            assertThat(allowed.headers()
                            .firstValue("Access-Control-Allow-Headers")
                            .orElseThrow())
                    .contains("Authorization", "Content-Type");
            assertThat(allowed.headers()
                            .firstValue("Access-Control-Allow-Methods")
                            .orElseThrow())
                    .contains("POST");
            assertThat(preflight(open, "https://evil.example").statusCode()).isEqualTo(403);
            HttpResponse<String> posted = http.send(
                    request(open, "/v1/generations")
                            .header("Origin", "https://app.example")
                            .header("Authorization", "Bearer " + KEY_A)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(GatewayTest.GENERATION))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(202);
            assertThat(posted.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("https://app.example");
            assertThat(posted.headers()
                            .firstValue("Access-Control-Expose-Headers")
                            .orElseThrow())
                    .contains("X-Request-Id", "Retry-After");
        }
    }

    @Test
    void withACertificateThePortSpeaksHttpsOnlyFromAKeystoreOrPemFiles(EmbeddedStack stack) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
        HttpClient trusting = HttpClient.newBuilder()
                .sslContext(certificate.trustingIt())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        for (TlsConfig tls : List.of(
                TlsConfig.keystore(certificate.keystore(), certificate.password()),
                TlsConfig.pem(certificate.certificatePem(), certificate.privateKeyPem()))) {
            AccessConfig access = AccessConfig.local().withApiKeys(keysFolder()).withTls(tls);
            try (Gateway gateway = Gateway.start(config(stack, access))) {
                HttpResponse<String> secured = trusting.send(
                        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.port() + "/v1/generations"))
                                .header("Authorization", "Bearer " + KEY_A)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(GatewayTest.GENERATION))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(secured.statusCode()).as(tls + ": " + secured.body()).isEqualTo(202);
                assertThatThrownBy(() -> http.send(
                                request(gateway, "/health/live")
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()))
                        .as("plain HTTP on the TLS port")
                        .isInstanceOf(IOException.class);
                assertThatThrownBy(() -> HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(URI.create(
                                                        "https://127.0.0.1:" + gateway.port() + "/health/live"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString()))
                        .as("a client that does not trust the certificate")
                        .isInstanceOf(IOException.class)
                        .hasStackTraceContaining("PKIX");
            }
        }
    }

    private static String token(RSAKey key, String issuer, String audience, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .audience(audience)
                        .subject("ingest-job")
                        .expirationTime(Date.from(expires))
                        .build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void oauth2BearerTokensAreCheckedAgainstTheIssuersKeysBesideApiKeys(EmbeddedStack stack) throws Exception {
        RSAKey issuerKey = new RSAKeyGenerator(2048).keyID("issuer-1").generate();
        RSAKey otherKey = new RSAKeyGenerator(2048).keyID("issuer-1").generate();
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] keys = new JWKSet(issuerKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/certs", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        jwks.start();
        String issuer = "https://id.example/realms/apps";
        URI certs = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs");
        AccessConfig access = AccessConfig.local()
                .withApiKeys(keysFolder())
                .withOAuth2(new OAuth2Config(issuer, certs, "fuseflow-gateway", "sub"))
                .withRateLimit(1_000, 1);
        Instant later = Instant.now().plusSeconds(300);
        try (Gateway gateway = Gateway.start(config(stack, access))) {
            assertThat(postEvent(gateway, "Bearer " + token(issuerKey, issuer, "fuseflow-gateway", later))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(postEvent(gateway, "Bearer " + KEY_A).statusCode())
                    .as("API keys still work beside tokens")
                    .isEqualTo(202);

            Map<String, String> refusals = new LinkedHashMap<>();
            refusals.put(
                    "expired",
                    token(issuerKey, issuer, "fuseflow-gateway", Instant.now().minusSeconds(120)));
            refusals.put("another issuer", token(issuerKey, "https://evil.example", "fuseflow-gateway", later));
            refusals.put("another audience", token(issuerKey, issuer, "another-service", later));
            refusals.put("signed by another key", token(otherKey, issuer, "fuseflow-gateway", later));
            refusals.put(
                    "unsigned",
                    new PlainJWT(new JWTClaimsSet.Builder()
                                    .issuer(issuer)
                                    .audience("fuseflow-gateway")
                                    .subject("x")
                                    .expirationTime(Date.from(later))
                                    .build())
                            .serialize());
            for (Map.Entry<String, String> refusal : refusals.entrySet()) {
                HttpResponse<String> refused = postEvent(gateway, "Bearer " + refusal.getValue());
                assertThat(refused.statusCode()).as(refusal.getKey()).isEqualTo(401);
                assertThat(problem(refused))
                        .as(refusal.getKey())
                        .startsWith("Authorization holds a token that is not valid: ");
                assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
                        .contains("invalid_token");
            }
            assertThat(problem(postEvent(gateway, "Bearer " + refusals.get("expired"))))
                    .containsIgnoringCase("expired");

            jwks.stop(0);
            RSAKey rotated = new RSAKeyGenerator(2048).keyID("issuer-2").generate();
            HttpResponse<String> issuerDown =
                    postEvent(gateway, "Bearer " + token(rotated, issuer, "fuseflow-gateway", later));
            assertThat(issuerDown.statusCode())
                    .as("a key id not yet seen while the issuer is unreachable: not the client's fault")
                    .isEqualTo(503);
            assertThat(issuerDown.headers().firstValue("Retry-After")).isPresent();
        } finally {
            jwks.stop(0);
        }
    }
}
