package dev.fuseflow.producers.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an app gets with the FeedbackClient: this module's runtime classpath, as Maven resolves it
 * (written by the dependency plugin before the tests), loaded apart from the test classpath, which
 * has the services' runtime module for its fixtures. The client must work on it alone and must not
 * bring the services' dependencies: no Prometheus registry, no picocli, no HTTP server.
 */
class ClientDependenciesTest {

    /** A class of each thing an app must not get, named by its library. */
    private static final List<String> SERVICES_ONLY = List.of(
            "io.micrometer.prometheusmetrics.PrometheusMeterRegistry", // micrometer-registry-prometheus
            "io.prometheus.metrics.model.registry.PrometheusRegistry", // the Prometheus client under it
            "picocli.CommandLine",
            "dev.fuseflow.runtime.ops.OpsHttpServer", // fuseflow-runtime: metrics and health endpoint
            "dev.fuseflow.runtime.config.Settings",
            "io.javalin.Javalin",
            "org.eclipse.jetty.server.Server");

    @Test
    void anAppGetsNeitherPrometheusNorPicocliNorAnHttpServer() throws Exception {
        try (URLClassLoader app = appClasspath()) {
            assertThat(Class.forName(FeedbackClient.class.getName(), false, app).getClassLoader())
                    .isSameAs(app);
            assertThat(SERVICES_ONLY.stream().filter(name -> loads(app, name)).toList())
                    .as("services-only classes on the client's runtime classpath")
                    .isEmpty();
        }
    }

    @Test
    void theClientBuildsWithTheSharedSecuritySettingsOnThatClasspathAlone() throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader app = appClasspath()) {
            Thread.currentThread().setContextClassLoader(app); // Kafka loads configured classes through it
            Object builder = Class.forName(FeedbackClient.class.getName(), true, app)
                    .getMethod("builder")
                    .invoke(null);
            Class<?> security = Class.forName("dev.fuseflow.schemas.security.ClientSecurity", true, app);
            Class<?> builderType = builder.getClass();
            builderType.getMethod("bootstrapServers", String.class).invoke(builder, "localhost:9");
            builderType.getMethod("schemaRegistryUrl", String.class).invoke(builder, "http://localhost:9");
            builderType.getMethod("closeTimeout", Duration.class).invoke(builder, Duration.ZERO);
            builderType
                    .getMethod("security", security)
                    .invoke(builder, security.getField("NONE").get(null));
            try (AutoCloseable client =
                    (AutoCloseable) builderType.getMethod("build").invoke(builder)) {
                assertThat(client.getClass().getClassLoader()).isSameAs(app);
            }
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    private static boolean loads(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The module's classes and its runtime-scope dependencies, over the JDK's platform classes only. */
    private static URLClassLoader appClasspath() throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(url(Path.of(property("fuseflow.client.classes"))));
        String classpath = Files.readString(Path.of(property("fuseflow.client.runtime.classpath")))
                .strip();
        for (String entry : classpath.split(File.pathSeparator)) {
            urls.add(url(Path.of(entry)));
        }
        return new URLClassLoader(
                "feedback-client-app", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static URL url(Path path) throws MalformedURLException {
        return path.toUri().toURL();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value)
                .as("system property %s (set by the module's surefire configuration)", name)
                .isNotBlank();
        return value;
    }
}
