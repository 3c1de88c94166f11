package dev.fuseflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of Kubernetes' "restricted" Pod Security Standard (its baseline checks included), as
 * the API server's PodSecurity admission applies them to a pod spec, written over the rendered
 * JSON: {@link #violations} lists each broken rule with the container and field, so that a failing
 * test says what to fix. Strimzi's templates are checked with {@link #containerViolations}.
 */
final class RestrictedPodSecurity {

    /** The volume types the restricted profile allows. */
    static final Set<String> ALLOWED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");

    private static final Set<String> VOLUME_FIELDS_NOT_TYPES = Set.of("name");
    private static final Set<String> ALLOWED_SECCOMP = Set.of("RuntimeDefault", "Localhost");

    private RestrictedPodSecurity() {}

    /** Every rule {@code podSpec} breaks, named as "where: rule"; empty when it is admitted. */
    static List<String> violations(JsonNode podSpec) {
        List<String> problems = new ArrayList<>(podViolations(podSpec));
        JsonNode pod = podSpec.path("securityContext");
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode container : podSpec.path(list)) {
                String name = container.path("name").asText();
                problems.addAll(containerViolations(name, container, pod));
                for (JsonNode port : container.path("ports")) {
                    if (port.path("hostPort").asInt(0) != 0) {
                        problems.add("container " + name + ": hostPort must be unset (baseline)");
                    }
                }
            }
        }
        return problems;
    }

    private static List<String> podViolations(JsonNode podSpec) {
        List<String> problems = new ArrayList<>();
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (podSpec.path(host).asBoolean(false)) {
                problems.add("pod: " + host + " must be false (baseline)");
            }
        }
        for (JsonNode volume : podSpec.path("volumes")) {
            volume.fieldNames().forEachRemaining(field -> {
                if (!VOLUME_FIELDS_NOT_TYPES.contains(field) && !ALLOWED_VOLUMES.contains(field)) {
                    problems.add("volume " + volume.path("name").asText() + ": type " + field
                            + " is not allowed (restricted volume types)");
                }
            });
        }
        JsonNode pod = podSpec.path("securityContext");
        if (pod.path("runAsUser").asLong(-1) == 0) {
            problems.add("pod: runAsUser must not be 0 (restricted)");
        }
        if (pod.has("seccompProfile")
                && !ALLOWED_SECCOMP.contains(
                        pod.path("seccompProfile").path("type").asText())) {
            problems.add("pod: seccompProfile.type must be RuntimeDefault or Localhost (restricted)");
        }
        return problems;
    }

    /**
     * The container-level rules for a container with {@code container.securityContext}, in a pod
     * whose pod-level context is {@code pod} (which may satisfy runAsNonRoot and seccomp for all).
     */
    static List<String> containerViolations(String name, JsonNode container, JsonNode pod) {
        List<String> problems = new ArrayList<>();
        String where = "container " + name + ": ";
        JsonNode context = container.path("securityContext");
        if (context.path("privileged").asBoolean(false)) {
            problems.add(where + "privileged must be false (baseline)");
        }
        if (context.has("procMount") && !context.path("procMount").asText().equals("Default")) {
            problems.add(where + "procMount must be Default (baseline)");
        }
        if (!context.path("allowPrivilegeEscalation").isBoolean()
                || context.path("allowPrivilegeEscalation").asBoolean()) {
            problems.add(where + "allowPrivilegeEscalation must be false (restricted)");
        }
        JsonNode capabilities = context.path("capabilities");
        if (Manifests.elements(capabilities.path("drop")).stream()
                .noneMatch(c -> c.asText().equals("ALL"))) {
            problems.add(where + "capabilities.drop must include ALL (restricted)");
        }
        for (JsonNode added : capabilities.path("add")) {
            if (!added.asText().equals("NET_BIND_SERVICE")) {
                problems.add(where + "capabilities.add may hold only NET_BIND_SERVICE, not " + added.asText()
                        + " (restricted)");
            }
        }
        problems.addAll(identityViolations(where, context, pod));
        return problems;
    }

    /** Who the container runs as and under which seccomp profile: its own context, else the pod's. */
    private static List<String> identityViolations(String where, JsonNode context, JsonNode pod) {
        List<String> problems = new ArrayList<>();
        boolean nonRoot = context.has("runAsNonRoot")
                ? context.path("runAsNonRoot").asBoolean()
                : pod.path("runAsNonRoot").asBoolean(false);
        if (!nonRoot) {
            problems.add(where + "runAsNonRoot must be true, on the container or the pod (restricted)");
        }
        if (context.path("runAsUser").asLong(-1) == 0) {
            problems.add(where + "runAsUser must not be 0 (restricted)");
        }
        String seccomp = context.has("seccompProfile")
                ? context.path("seccompProfile").path("type").asText()
                : pod.path("seccompProfile").path("type").asText();
        if (!ALLOWED_SECCOMP.contains(seccomp)) {
            problems.add(where + "seccompProfile.type must be RuntimeDefault or Localhost, on the container or the pod"
                    + " (restricted)");
        }
        return problems;
    }
}
