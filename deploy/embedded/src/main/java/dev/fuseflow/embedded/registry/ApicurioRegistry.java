package dev.fuseflow.embedded.registry;

import dev.fuseflow.embedded.process.ChildJvm;
import dev.fuseflow.embedded.process.FreePorts;
import dev.fuseflow.embedded.process.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry in a child JVM on 127.0.0.1, reached through its Confluent-compatible
 * API ({@link #confluentApiUrl()}). Its H2 database lives in the data dir, so schemas and their
 * ids survive a restart.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final String CONFLUENT_API = "/apis/ccompat/v7";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final RegistryConfig config;
    private final int port;
    private final int managementPort;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ChildJvm jvm;

    private ApicurioRegistry(RegistryConfig config, int port, int managementPort) {
        this.config = config;
        this.port = port;
        this.managementPort = managementPort;
        List<String> command = JavaCommand.of(
                JavaCommand.classpath(List.of(launcherLocation(), ApicurioDistribution.runnerJar())),
                config.jvmOptions(),
                systemProperties(),
                RegistryLauncher.class.getName(),
                List.of());
        this.jvm = new ChildJvm(
                "Schema Registry on port " + port,
                command,
                config.dataDir(),
                config.dataDir().resolve("registry.log"));
    }

    /** Starts the registry, waits until it answers and sets the configured compatibility level. */
    public static ApicurioRegistry start(RegistryConfig config) {
        ApicurioRegistry registry =
                new ApicurioRegistry(config, FreePorts.pick(config.port()), FreePorts.pick(config.managementPort()));
        registry.restart();
        return registry;
    }

    /** Starts the registry process again after {@link #kill()} or {@link #close()}. */
    public void restart() {
        long started = System.nanoTime();
        Process process = jvm.start();
        awaitReady(process);
        setCompatibility(config.compatibility());
        LOG.info(
                "Schema Registry (Apicurio, child pid {}) ready at {} in {} ms; log {}",
                process.pid(),
                confluentApiUrl(),
                (System.nanoTime() - started) / 1_000_000,
                jvm.log());
    }

    /** Base URL of the Confluent-compatible API, the value for {@code schema.registry.url}. */
    public String confluentApiUrl() {
        return "http://127.0.0.1:" + port + CONFLUENT_API;
    }

    /** Base URL of Apicurio's own API and UI. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** SIGKILL, as in a crash. The database stays in the data dir. */
    public void kill() {
        jvm.kill();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    @Override
    public void close() {
        jvm.stop();
    }

    private Map<String, String> systemProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.host", "127.0.0.1");
        p.put("quarkus.http.port", String.valueOf(port));
        p.put("quarkus.management.host", "127.0.0.1");
        p.put("quarkus.management.port", String.valueOf(managementPort));
        // No collector to send traces to; without this the registry logs export failures.
        p.put("quarkus.otel.sdk.disabled", "true");
        // A file database instead of the default in-memory one, so a restart keeps ids; no write
        // delay, so a schema acknowledged before a kill -9 is still there after it.
        p.put(
                "apicurio.datasource.url",
                "jdbc:h2:file:" + config.dataDir().resolve("registry-db").toAbsolutePath()
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        p.put("quarkus.log.level", "WARN");
        p.put("quarkus.log.category.\"io.apicurio\".level", "INFO");
        p.putAll(config.systemProperties());
        return p;
    }

    private void awaitReady(Process process) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Registry JVM exited with " + process.exitValue() + " while starting; see " + jvm.log());
            }
            try {
                HttpResponse<String> response =
                        http.send(request("/subjects").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the registry", e);
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException(
                "Registry not ready within " + START_TIMEOUT + " at " + confluentApiUrl(), last);
    }

    private void setCompatibility(String level) {
        try {
            HttpResponse<String> response = http.send(
                    request("/config")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Setting compatibility " + level + " failed: HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot set the registry's compatibility", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while configuring the registry", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(confluentApiUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", CONTENT_TYPE)
                .header("Accept", CONTENT_TYPE);
    }

    /** The jar or classes folder holding {@link RegistryLauncher}, which joins the registry's classpath. */
    private static Path launcherLocation() {
        try {
            return Path.of(RegistryLauncher.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the registry launcher", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
