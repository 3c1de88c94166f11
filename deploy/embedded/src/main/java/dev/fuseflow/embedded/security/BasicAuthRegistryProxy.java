package dev.fuseflow.embedded.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * HTTPS with HTTP basic authentication in front of a registry that has neither, as an ingress or
 * Confluent's own {@code authentication.method=BASIC} puts it in production. The embedded Apicurio
 * registry only offers OIDC; this front lets tests and the secured local stack exercise the
 * clients' TLS and basic-auth settings against a real registry behind it. Written here because the
 * JDK's HTTP server and client are all it takes.
 */
public final class BasicAuthRegistryProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "content-length",
            "host",
            "transfer-encoding",
            "authorization",
            "upgrade",
            "expect",
            "keep-alive");

    private final HttpsServer server;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final String expectedAuthorization;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private BasicAuthRegistryProxy(HttpsServer server, URI target, String userInfo) {
        this.server = server;
        this.target = target;
        this.expectedAuthorization =
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** Serves {@code https://127.0.0.1:<port>} + the target's path, admitting only {@code userInfo} ({@code user:password}). */
    public static BasicAuthRegistryProxy start(String targetUrl, TlsMaterial tls, String userInfo) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(serverContext(tls)));
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "registry-proxy");
                t.setDaemon(true);
                return t;
            }));
            BasicAuthRegistryProxy proxy = new BasicAuthRegistryProxy(server, URI.create(targetUrl), userInfo);
            server.createContext("/", proxy::handle);
            server.start();
            return proxy;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot start the registry proxy: " + e.getMessage(), e);
        }
    }

    /** The registry URL clients use: same path as the target, on this proxy. */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + target.getPath();
    }

    public long admitted() {
        return admitted.get();
    }

    public long refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                byte[] body = "{\"error_code\":40101,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"schema-registry\"");
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            admitted.incrementAndGet();
            forward(exchange);
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        URI requested = exchange.getRequestURI();
        URI upstream = URI.create(target.getScheme() + "://" + target.getRawAuthority() + requested.getRawPath()
                + (requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery()));
        byte[] requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream)
                .timeout(Duration.ofSeconds(30))
                .method(
                        exchange.getRequestMethod(),
                        requestBody.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(requestBody));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding to " + upstream, e);
        }
        response.headers()
                .firstValue("Content-Type")
                .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static SSLContext serverContext(TlsMaterial tls) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            keys.load(in, tls.password().toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, tls.password().toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
