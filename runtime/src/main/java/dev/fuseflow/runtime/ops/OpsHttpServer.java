package dev.fuseflow.runtime.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text format, from Micrometer) and {@code /health} (200 while the
 * application processes, 503 with its state otherwise). The JDK's HTTP server suffices for two
 * read-only endpoints, as in Micrometer's own Prometheus examples.
 */
public final class OpsHttpServer implements AutoCloseable {

    /** Health of the service: healthy or not, and a one-line description. */
    public record Health(boolean healthy, String description) {}

    private final HttpServer server;

    private OpsHttpServer(HttpServer server) {
        this.server = server;
    }

    /**
     * The interface every FuseFlow endpoint listens on unless configured otherwise: this host only.
     * A container that Prometheus scrapes from outside sets {@code 0.0.0.0} (the deploy/ manifests do).
     */
    public static final String LOOPBACK = "127.0.0.1";

    /** Binds {@code port} (0: any free port) on the interface {@code host} and serves until closed. */
    public static OpsHttpServer start(
            String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
        return start(host, port, registry, health, Map.of());
    }

    /** As {@link #start(String, int, PrometheusMeterRegistry, Supplier)}, with more read-only pages by path (a status page). */
    public static OpsHttpServer start(
            String host,
            int port,
            PrometheusMeterRegistry registry,
            Supplier<Health> health,
            Map<String, HttpHandler> pages) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        server.createContext(
                "/metrics",
                exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health", exchange -> {
            Health h = health.get();
            respond(
                    exchange,
                    h.healthy() ? 200 : 503,
                    "application/json",
                    "{\"status\":\"" + (h.healthy() ? "UP" : "DOWN") + "\",\"detail\":\"" + h.description() + "\"}");
        });
        pages.forEach(server::createContext);
        server.start();
        return new OpsHttpServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers an exchange with a body (pages given to {@code start} use it too). */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
