package dev.fuseflow.deploy;

import static dev.fuseflow.deploy.Manifests.elements;
import static dev.fuseflow.deploy.Manifests.labels;
import static dev.fuseflow.deploy.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alert rules cannot go silent: every scrape target of each deployment has an up == 0 and an
 * absent() rule, every rule links its runbook section, and promtool (Debian's prometheus package,
 * installed by .ci/run) checks the files and runs their unit tests in deploy/prometheus/tests.
 */
class AlertRulesTest {

    private static final Path OPERATIONS = Manifests.REPOSITORY.resolve("docs/operations.md");

    @Test
    void promtoolChecksTheRuleFiles() throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool(), "check", "rules"));
        AlertRules.KUBERNETES_FILES.forEach(f -> command.add(f.toString()));
        run(command);
    }

    @Test
    void promtoolRunsTheRuleUnitTests() throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool(), "test", "rules"));
        try (Stream<Path> tests = Files.list(AlertRules.DIRECTORY.resolve("tests"))) {
            tests.filter(f -> f.toString().endsWith(".test.yml")).sorted().forEach(f -> command.add(f.toString()));
        }
        assertThat(command).hasSizeGreaterThan(3);
        run(command);
    }

    @Test
    void everyRuleLinksItsRunbookSectionInTheOperationsDoc() throws Exception {
        Set<String> anchors = anchors(Files.readAllLines(OPERATIONS));
        List<JsonNode> rules = AlertRules.rules(AlertRules.KUBERNETES_FILES);
        assertThat(rules).hasSizeGreaterThan(15);
        for (JsonNode rule : rules) {
            String url = rule.path("annotations").path("runbook_url").asText();
            String alert = rule.path("alert").asText();
            assertThat(url).as("runbook_url of %s", alert).startsWith(AlertRules.RUNBOOK_BASE);
            assertThat(anchors)
                    .as("docs/operations.md sections (the runbook of %s)", alert)
                    .contains(url.substring(AlertRules.RUNBOOK_BASE.length()));
        }
    }

    @Test
    void everyComposeScrapeJobHasAnUpAndAnAbsentRule() throws Exception {
        JsonNode prometheus = Manifests.YAML.readTree(
                Manifests.REPOSITORY.resolve("deploy/compose/prometheus.yml").toFile());
        List<Path> loaded = new ArrayList<>();
        for (JsonNode file : prometheus.path("rule_files")) {
            loaded.add(AlertRules.DIRECTORY.resolve(Path.of(file.asText()).getFileName()));
        }
        assertThat(loaded).containsExactly(AlertRules.FUSEFLOW);
        Set<String> jobs = new TreeSet<>();
        prometheus
                .path("scrape_configs")
                .forEach(c -> jobs.add(c.path("job_name").asText()));
        assertWatched(jobs, AlertRules.rules(loaded), "compose");
    }

    @Test
    void everyKubernetesScrapeJobHasAnUpAndAnAbsentRule() throws Exception {
        for (String overlay : List.of("production", "apicurio")) {
            Manifests manifests = Manifests.rendered(overlay);
            Set<String> jobs = new TreeSet<>();
            // A ServiceMonitor's job label is the name of the Service it scrapes (no jobLabel set).
            for (JsonNode monitor : manifests.ofKind("ServiceMonitor")) {
                assertThat(monitor.path("spec").has("jobLabel")).isFalse();
                manifests.ofKind("Service").stream()
                        .filter(s -> NetworkPolicies.selects(
                                monitor.path("spec").path("selector"), labels(s.path("metadata"))))
                        .forEach(s -> jobs.add(name(s)));
            }
            for (JsonNode monitor : manifests.ofKind("PodMonitor")) {
                for (JsonNode endpoint : monitor.path("spec").path("podMetricsEndpoints")) {
                    String job = elements(endpoint.path("relabelings")).stream()
                            .filter(r -> r.path("targetLabel").asText().equals("job"))
                            .map(r -> r.path("replacement").asText())
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError("PodMonitor " + name(monitor) + " sets no job label"));
                    jobs.add(job);
                }
            }
            assertThat(jobs).hasSize(6);
            assertWatched(
                    jobs,
                    AlertRules.rules(manifests
                            .get("PrometheusRule", "fuseflow-alerts")
                            .path("spec")
                            .path("groups")),
                    overlay);
        }
    }

    private static void assertWatched(Set<String> jobs, List<JsonNode> rules, String deployment) {
        assertThat(AlertRules.jobsWatchedForDown(rules))
                .as("jobs of %s with an up == 0 rule", deployment)
                .containsExactlyInAnyOrderElementsOf(jobs);
        assertThat(AlertRules.jobsWatchedForAbsence(rules))
                .as("jobs of %s with an absent(up) rule", deployment)
                .containsExactlyInAnyOrderElementsOf(jobs);
    }

    /** GitHub's heading anchors: lower case, punctuation but hyphens dropped, spaces to hyphens. */
    static Set<String> anchors(List<String> lines) {
        Set<String> anchors = new TreeSet<>();
        for (String line : lines) {
            if (line.startsWith("#")) {
                anchors.add(line.replaceFirst("^#+\\s*", "")
                        .trim()
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-'));
            }
        }
        return anchors;
    }

    /** promtool's path; the test is skipped, saying so, where it is not installed. */
    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        assumeTrue(
                false,
                "promtool is not installed (Debian: apt-get install prometheus; .ci/run does it):"
                        + " the alert rules are not checked by promtool here");
        return "";
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command)
                .directory(AlertRules.DIRECTORY.toFile())
                .redirectErrorStream(true)
                .start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("%s finished", command).isTrue();
        assertThat(process.exitValue())
                .as("%s:%n%s", String.join(" ", command), output)
                .isZero();
    }
}
