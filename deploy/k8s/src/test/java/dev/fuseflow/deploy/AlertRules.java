package dev.fuseflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** deploy/prometheus's alert rule files, read as YAML, and which scrape jobs their up and absent rules watch. */
final class AlertRules {

    static final Path DIRECTORY = Manifests.REPOSITORY.resolve("deploy/prometheus");
    /** The rules of every deployment (compose's Prometheus loads this one). */
    static final Path FUSEFLOW = DIRECTORY.resolve("fuseflow-alerts.yml");
    /** The rules of the Strimzi-managed Kafka's targets, which only Kubernetes has. */
    static final Path KAFKA = DIRECTORY.resolve("kafka-alerts.yml");
    /** What the PrometheusRule holds, in its order. */
    static final List<Path> KUBERNETES_FILES = List.of(FUSEFLOW, KAFKA);
    /** Every runbook_url starts so: a section of docs/operations.md. */
    static final String RUNBOOK_BASE = "https://github.com/fuseflow/fuseflow/blob/main/docs/operations.md#";

    private static final Pattern UP_DOWN = Pattern.compile("^up\\{job=~?\"([^\"]+)\"\\} == 0$");
    private static final Pattern UP_ABSENT = Pattern.compile("^absent\\(up\\{job=\"([^\"]+)\"\\}\\)$");

    private AlertRules() {}

    /** The rules of {@code groups} (a file's or a PrometheusRule's). */
    static List<JsonNode> rules(JsonNode groups) {
        List<JsonNode> rules = new ArrayList<>();
        groups.forEach(group -> group.path("rules").forEach(rules::add));
        return rules;
    }

    static List<JsonNode> rules(List<Path> files) throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        for (Path file : files) {
            rules.addAll(rules(Manifests.YAML.readTree(file.toFile()).path("groups")));
        }
        return rules;
    }

    /** The jobs an {@code up{job=...} == 0} rule watches (a regex alternative lists several). */
    static Set<String> jobsWatchedForDown(List<JsonNode> rules) {
        Set<String> jobs = new TreeSet<>();
        for (JsonNode rule : rules) {
            Matcher matcher = UP_DOWN.matcher(rule.path("expr").asText().trim());
            if (matcher.matches()) {
                jobs.addAll(List.of(matcher.group(1).split("\\|")));
            }
        }
        return jobs;
    }

    /** The jobs an {@code absent(up{job="..."})} rule watches. */
    static Set<String> jobsWatchedForAbsence(List<JsonNode> rules) {
        Set<String> jobs = new TreeSet<>();
        for (JsonNode rule : rules) {
            Matcher matcher = UP_ABSENT.matcher(rule.path("expr").asText().trim());
            if (matcher.matches()) {
                jobs.add(matcher.group(1));
            }
        }
        return jobs;
    }
}
