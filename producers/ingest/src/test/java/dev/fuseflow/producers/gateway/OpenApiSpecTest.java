package dev.fuseflow.producers.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code openapi.yaml} is what non-JVM teams generate clients from: it must be YAML, and valid OpenAPI 3
 * by swagger-parser (the parser of openapi-generator), with every reference resolving.
 */
class OpenApiSpecTest {

    @Test
    void theSpecIsValidOpenApi3WithEveryRouteOfTheGateway() throws IOException {
        String text;
        try (InputStream in = Gateway.class.getResourceAsStream("/openapi.yaml")) {
            assertThat(in).as("openapi.yaml in the gateway's jar").isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ParseOptions options = new ParseOptions();
        options.setResolve(true);

        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);

        assertThat(result.getMessages()).as("parser messages").isEmpty();
        OpenAPI api = result.getOpenAPI();
        assertThat(api.getOpenapi()).startsWith("3.");
        assertThat(api.getPaths())
                .containsOnlyKeys(
                        "/v1/generations",
                        "/v1/feedback",
                        "/v1/events",
                        "/health/live",
                        "/health/ready",
                        "/metrics",
                        "/openapi.yaml");
        assertThat(api.getComponents().getSchemas()).containsKeys("Generation", "Feedback", "Error", "Message");
        assertThat(api.getComponents().getSecuritySchemes().get("ApiKey").getScheme())
                .isEqualTo("bearer");
        assertThat(api.getSecurity()).as("keys needed by default").hasSize(1);
        for (String route : List.of("/v1/generations", "/v1/feedback", "/v1/events")) {
            assertThat(api.getPaths().get(route).getPost().getResponses())
                    .as(route)
                    .containsKeys("202", "400", "401", "413", "415", "429", "503");
            assertThat(api.getPaths().get(route).getOptions().getResponses())
                    .as(route + " preflight")
                    .containsKeys("204", "403");
        }
        assertThat(api.getPaths().get("/health/ready").getGet().getSecurity())
                .as("probes need no key")
                .isEmpty();
        Schema<?> feedback = api.getComponents().getSchemas().get("Feedback");
        Schema<?> generationId = feedback.getProperties().get("generationId");
        assertThat(generationId.getDescription()).isEqualTo("for pairwise, the preferred generation");
    }
}
