package dev.fuseflow.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryTest {

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void schemasAndTheirIdsSurviveAKillAndRestart() throws Exception {
        try (ApicurioRegistry registry = ApicurioRegistry.start(RegistryConfig.at(dataDir))) {
            String id = register(registry, "restart-value", "{\\\"type\\\":\\\"string\\\"}");

            registry.kill();
            assertThat(registry.isAlive()).isFalse();
            registry.restart();

            HttpResponse<String> byId = get(registry, "/schemas/ids/" + id);
            assertThat(byId.statusCode()).isEqualTo(200);
            assertThat(byId.body()).contains("string");
            assertThat(get(registry, "/config").body()).contains("BACKWARD");
        }
    }

    @Test
    void configuredCompatibilityIsApplied() throws Exception {
        RegistryConfig config = new RegistryConfig(dataDir, 0, 0, "FULL", null, null);
        try (ApicurioRegistry registry = ApicurioRegistry.start(config)) {
            assertThat(get(registry, "/config").body()).contains("\"FULL\"");
        }
    }

    private String register(ApicurioRegistry registry, String subject, String schema) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(registry.confluentApiUrl() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + schema + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().replaceAll("\\D", "");
    }

    private HttpResponse<String> get(ApicurioRegistry registry, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(registry.confluentApiUrl() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
