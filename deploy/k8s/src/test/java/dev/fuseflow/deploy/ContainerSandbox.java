package dev.fuseflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container of the rendered manifests, laid out on this machine: its ConfigMap volumes written
 * as files, its secret volumes as placeholder files, every mount path under {@code root}, and its
 * environment with placeholders for secrets. Lets a test start the real configuration code on
 * exactly what the pod would see, paths rewritten to the sandbox.
 */
final class ContainerSandbox {

    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.:/-])/[\\w./-]+");

    private final Path root;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> mountPaths = new ArrayList<>();
    private final Map<String, String> secretRefs = new LinkedHashMap<>();

    ContainerSandbox(Path root, JsonNode workload, JsonNode container, Manifests manifests) throws IOException {
        this.root = root;
        JsonNode podSpec = workload.path("spec").path("template").path("spec");
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        podSpec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        workload.path("spec").path("volumeClaimTemplates").forEach(t -> volumes.put(Manifests.name(t), t));
        for (JsonNode mount : container.path("volumeMounts")) {
            String mountPath = mount.path("mountPath").asText();
            mountPaths.add(mountPath);
            Path dir = local(mountPath);
            Files.createDirectories(dir);
            JsonNode volume = volumes.get(mount.path("name").asText());
            if (volume == null) {
                throw new AssertionError(Manifests.name(workload) + " mounts volume " + mount.path("name")
                        + ", which it does not define");
            }
            if (volume.has("configMap")) {
                String name = volume.path("configMap").path("name").asText();
                JsonNode configMap = manifests.get("ConfigMap", name);
                var fields = configMap.path("data").fields();
                while (fields.hasNext()) {
                    var entry = fields.next();
                    Files.writeString(
                            dir.resolve(entry.getKey()), entry.getValue().asText());
                }
            } else if (volume.has("secret")) {
                for (JsonNode item : volume.path("secret").path("items")) {
                    Files.writeString(
                            dir.resolve(item.path("path").asText()),
                            "placeholder of secret "
                                    + volume.path("secret").path("secretName").asText() + "/"
                                    + item.path("key").asText());
                }
            }
        }
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            JsonNode secret = variable.path("valueFrom").path("secretKeyRef");
            if (!secret.isMissingNode()) {
                secretRefs.put(
                        name,
                        secret.path("name").asText() + "/" + secret.path("key").asText());
                env.put(name, name.endsWith("USER_INFO") ? "user:placeholder" : "placeholder");
            } else if (variable.path("valueFrom").has("fieldRef")) {
                env.put(name, "10.0.0.1");
            } else {
                env.put(name, variable.path("value").asText());
            }
        }
    }

    /** Where a path inside the container lies in the sandbox. */
    Path local(String containerPath) {
        return root.resolve(containerPath.replaceFirst("^/+", ""));
    }

    /** A value with every container path under a mount rewritten to the sandbox. */
    String localized(String value) {
        return ABSOLUTE_PATH
                .matcher(value)
                .replaceAll(match -> Matcher.quoteReplacement(
                        isOnVolume(match.group()) ? local(match.group()).toString() : match.group()));
    }

    boolean isOnVolume(String containerPath) {
        return mountPaths.stream().anyMatch(m -> containerPath.equals(m) || containerPath.startsWith(m + "/"));
    }

    Map<String, String> env() {
        return env;
    }

    /** Environment variable name to the secret/key it reads. */
    Map<String, String> secretRefs() {
        return secretRefs;
    }
}
