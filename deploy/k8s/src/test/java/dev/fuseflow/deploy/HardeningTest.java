package dev.fuseflow.deploy;

import static dev.fuseflow.deploy.Manifests.containers;
import static dev.fuseflow.deploy.Manifests.elements;
import static dev.fuseflow.deploy.Manifests.labels;
import static dev.fuseflow.deploy.Manifests.name;
import static dev.fuseflow.deploy.Manifests.podSpec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.deploy.NetworkPolicies.Pod;
import dev.fuseflow.deploy.NetworkPolicies.Port;
import dev.fuseflow.runtime.config.Setting;
import dev.fuseflow.streams.config.StreamProcessorSettings;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a cluster admin checks before accepting the manifests, on both rendered overlays: the
 * restricted Pod Security Standard, writable volumes, disruption budgets, network policies
 * evaluated pod by pod against the architecture's flows, probes, resources, the memory a JVM and
 * RocksDB take against the limit, Strimzi's metrics, the storage-class parameter and the labels
 * kube-prometheus-stack selects.
 */
class HardeningTest {

    private static final Pattern MAX_RAM = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)");
    /** The JVM flag Jib bakes into the FuseFlow images (root pom), which JAVA_TOOL_OPTIONS overrides. */
    private static final double IMAGE_MAX_RAM_PERCENT = 75;
    /** Metaspace, thread stacks, code cache, GC structures and direct buffers of a FuseFlow JVM. */
    private static final long JVM_OVERHEAD_BYTES = 512L << 20;

    private static final String NAMESPACE = "fuseflow";
    private static final Map<String, String> STRIMZI_KAFKA_POD =
            Map.of("strimzi.io/cluster", "fuseflow", "strimzi.io/kind", "Kafka", "strimzi.io/name", "fuseflow-kafka");
    private static final Map<String, String> STRIMZI_EXPORTER_POD = Map.of(
            "strimzi.io/cluster", "fuseflow", "strimzi.io/kind", "Kafka", "strimzi.io/name", "fuseflow-kafka-exporter");

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void everyPodMeetsTheRestrictedPodSecurityStandardInANamespaceThatEnforcesIt(String overlay) throws Exception {
        Manifests manifests = Manifests.rendered(overlay);
        for (JsonNode workload : manifests.workloads()) {
            assertThat(RestrictedPodSecurity.violations(podSpec(workload)))
                    .as("restricted Pod Security Standard violations of %s", name(workload))
                    .isEmpty();
        }
        JsonNode kafka = manifests.ofKind("Kafka").get(0).path("spec");
        assertStrimziTemplate(kafka.path("kafka").path("template"), "pod", "kafkaContainer");
        assertStrimziTemplate(kafka.path("entityOperator").path("template"), "pod", "topicOperatorContainer");
        assertStrimziTemplate(kafka.path("entityOperator").path("template"), "pod", "userOperatorContainer");
        assertStrimziTemplate(kafka.path("kafkaExporter").path("template"), "pod", "container");
        assertThat(labels(manifests.get("Namespace", NAMESPACE).path("metadata")))
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void everyNamespacedResourceIsInFuseFlowsNamespace(String overlay) throws Exception {
        for (JsonNode resource : Manifests.rendered(overlay).all()) {
            if (!resource.path("kind").asText().equals("Namespace")) {
                assertThat(resource.path("metadata").path("namespace").asText())
                        .as("namespace of %s %s", resource.path("kind").asText(), name(resource))
                        .isEqualTo(NAMESPACE);
            }
        }
    }

    @Test
    void thePolicyCheckFindsEachBrokenRule() throws Exception {
        JsonNode gateway = Manifests.rendered("production").get("Deployment", "fuseflow-gateway");
        assertThat(RestrictedPodSecurity.violations(podSpec(gateway))).isEmpty();
        ObjectNode broken = podSpec(gateway).deepCopy();
        broken.put("hostNetwork", true);
        ((ArrayNode) broken.get("volumes"))
                .addObject()
                .put("name", "host")
                .putObject("hostPath")
                .put("path", "/");
        ObjectNode pod = (ObjectNode) broken.get("securityContext");
        pod.remove("runAsNonRoot");
        pod.remove("seccompProfile");
        ObjectNode container = (ObjectNode) broken.get("containers").get(0);
        ObjectNode context = (ObjectNode) container.get("securityContext");
        context.put("allowPrivilegeEscalation", true);
        context.put("privileged", true);
        context.remove("capabilities");
        context.putObject("capabilities").putArray("add").add("SYS_ADMIN");
        assertThat(RestrictedPodSecurity.violations(broken))
                .containsExactlyInAnyOrder(
                        "pod: hostNetwork must be false (baseline)",
                        "volume host: type hostPath is not allowed (restricted volume types)",
                        "container gateway: privileged must be false (baseline)",
                        "container gateway: allowPrivilegeEscalation must be false (restricted)",
                        "container gateway: capabilities.drop must include ALL (restricted)",
                        "container gateway: capabilities.add may hold only NET_BIND_SERVICE, not SYS_ADMIN (restricted)",
                        "container gateway: runAsNonRoot must be true, on the container or the pod (restricted)",
                        "container gateway: seccompProfile.type must be RuntimeDefault or Localhost, on the container or"
                                + " the pod (restricted)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void rootFilesystemsAreReadOnlyAndEveryWrittenPathIsAVolumeTheUserOwns(String overlay) throws Exception {
        for (JsonNode workload : Manifests.rendered(overlay).workloads()) {
            JsonNode pod = podSpec(workload).path("securityContext");
            assertThat(pod.path("fsGroup").isIntegralNumber())
                    .as(
                            "fsGroup of %s: new block volumes are root-owned, the pod's user must write them",
                            name(workload))
                    .isTrue();
            for (JsonNode container : containers(workload)) {
                assertThat(container
                                .path("securityContext")
                                .path("readOnlyRootFilesystem")
                                .asBoolean())
                        .as("read-only root filesystem of %s", name(workload))
                        .isTrue();
                assertThat(writableMounts(workload, container))
                        .as("writable mounts of %s", name(workload))
                        .contains("/tmp");
            }
        }
        JsonNode trainer = Manifests.rendered(overlay).get("StatefulSet", "fuseflow-trainer");
        assertThat(writableMounts(trainer, containers(trainer).get(0)))
                .as("the trainer's DJL cache (DJL_CACHE_DIR) and home (CUDA's and PyTorch's caches) of"
                        + " deploy/images/trainer")
                .contains(dockerfileValue("DJL_CACHE_DIR=(\\S+)"), "/home/" + dockerfileValue("--create-home (\\S+)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void replicatedComponentsHaveABudgetOfOneAndSingleReplicasNoneThatBlocksADrain(String overlay) throws Exception {
        Manifests manifests = Manifests.rendered(overlay);
        for (JsonNode workload : manifests.workloads()) {
            List<JsonNode> budgets = manifests.ofKind("PodDisruptionBudget").stream()
                    .filter(b -> NetworkPolicies.selects(
                            b.path("spec").path("selector"),
                            labels(workload.path("spec").path("template").path("metadata"))))
                    .toList();
            if (workload.path("spec").path("replicas").asInt(1) > 1) {
                assertThat(budgets)
                        .as("PodDisruptionBudgets of %s", name(workload))
                        .hasSize(1);
                assertThat(budgets.get(0).path("spec").path("maxUnavailable").asInt())
                        .as("maxUnavailable of %s's budget", name(workload))
                        .isEqualTo(1);
            } else {
                assertThat(budgets)
                        .as("budgets of single-replica %s (would block drains)", name(workload))
                        .isEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void networkPoliciesAllowExactlyTheArchitecturesFlows(String overlay) throws Exception {
        Manifests manifests = Manifests.rendered(overlay);
        List<JsonNode> policies = new ArrayList<>(manifests.ofKind("NetworkPolicy"));
        policies.add(strimziListenerPolicy(manifests.ofKind("Kafka").get(0)));
        List<Pod> pods = new ArrayList<>();
        Set<String> ours = new TreeSet<>(Set.of("kafka"));
        for (JsonNode workload : manifests.workloads()) {
            Map<String, String> podLabels =
                    labels(workload.path("spec").path("template").path("metadata"));
            String role = podLabels.get("app.kubernetes.io/name");
            ours.add(role);
            List<Port> ports = new ArrayList<>();
            containers(workload)
                    .forEach(c -> c.path("ports")
                            .forEach(p -> ports.add(new Port(
                                    p.path("containerPort").asInt(),
                                    p.path("name").asText(),
                                    p.path("protocol").asText("TCP")))));
            pods.add(new Pod(role, NAMESPACE, namespaceLabels(NAMESPACE), podLabels, ports));
        }
        pods.add(new Pod("kafka", NAMESPACE, namespaceLabels(NAMESPACE), STRIMZI_KAFKA_POD, List.of(Port.tcp(9093))));
        pods.add(new Pod(
                "dns",
                "kube-system",
                namespaceLabels("kube-system"),
                Map.of("k8s-app", "kube-dns"),
                List.of(new Port(53, "dns", "UDP"))));
        pods.add(new Pod(
                "keycloak",
                NAMESPACE,
                namespaceLabels(NAMESPACE),
                Map.of("app.kubernetes.io/name", "keycloak"),
                List.of(Port.tcp(8080))));
        pods.add(new Pod(
                "prometheus",
                "monitoring",
                namespaceLabels("monitoring"),
                Map.of("app.kubernetes.io/name", "prometheus"),
                List.of(Port.tcp(9090))));
        Map<String, String> appNamespace = new TreeMap<>(namespaceLabels("shop"));
        appNamespace.put("fuseflow.dev/client", "true");
        pods.add(new Pod("app", "shop", appNamespace, Map.of("app", "shop"), List.of(Port.tcp(8080))));
        pods.add(new Pod("stranger", "other", namespaceLabels("other"), Map.of("app", "curl"), List.of(Port.tcp(443))));
        pods.add(new Pod(
                "stranger-here",
                NAMESPACE,
                namespaceLabels(NAMESPACE),
                Map.of("app", "debug"),
                List.of(Port.tcp(8000))));

        Set<String> flows = new TreeSet<>();
        for (String flow : new NetworkPolicies(policies).allowedFlows(pods)) {
            String[] ends = flow.split(" -> |:");
            // Kafka's egress is Strimzi's to set (it writes no egress policy); its ingress is checked.
            if (!ends[0].equals("kafka") && (ours.contains(ends[0]) || ours.contains(ends[1]))) {
                flows.add(flow);
            }
        }
        assertThat(flows).isEqualTo(expectedFlows(overlay));
    }

    /** docs/design.md's arrows (and Prometheus's scrapes), as the policies must allow them and nothing more. */
    private static Set<String> expectedFlows(String overlay) {
        String registry = overlay.equals("apicurio") ? "schema-registry:8080/TCP" : "schema-registry:8081/TCP";
        Set<String> flows = new TreeSet<>(Set.of(
                "app -> fuseflow-gateway:8088/TCP",
                "app -> kafka:9093/TCP",
                "app -> " + registry,
                "prometheus -> fuseflow-gateway:8088/TCP",
                "prometheus -> fuseflow-stream-processors:9404/TCP",
                "prometheus -> fuseflow-trainer:9405/TCP",
                "prometheus -> fuseflow-ops-exporter:9406/TCP",
                "schema-registry -> kafka:9093/TCP",
                "schema-registry -> dns:53/UDP"));
        for (String component : List.of(
                "fuseflow-gateway", "fuseflow-stream-processors", "fuseflow-trainer", "fuseflow-ops-exporter")) {
            flows.add(component + " -> kafka:9093/TCP");
            flows.add(component + " -> " + registry);
            flows.add(component + " -> dns:53/UDP");
        }
        if (overlay.equals("apicurio")) {
            flows.add("schema-registry -> keycloak:8080/TCP");
        }
        return flows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void everyContainerHasProbesAndGuaranteedMemory(String overlay) throws Exception {
        for (JsonNode workload : Manifests.rendered(overlay).workloads()) {
            for (JsonNode container : containers(workload)) {
                String where = name(workload) + "/" + container.path("name").asText();
                for (String probe : List.of("livenessProbe", "readinessProbe")) {
                    JsonNode check = container.path(probe);
                    assertThat(check.has("httpGet") || check.has("tcpSocket"))
                            .as("%s of %s", probe, where)
                            .isTrue();
                    JsonNode port = check.path(check.has("httpGet") ? "httpGet" : "tcpSocket")
                            .path("port");
                    assertThat(port.isInt() || containerPortNames(container).contains(port.asText()))
                            .as("%s of %s names a port of the container (%s)", probe, where, port)
                            .isTrue();
                }
                JsonNode resources = container.path("resources");
                for (String quantity : List.of("cpu", "memory")) {
                    assertThat(resources.path("requests").has(quantity))
                            .as("%s request of %s", quantity, where)
                            .isTrue();
                    assertThat(resources.path("limits").has(quantity))
                            .as("%s limit of %s", quantity, where)
                            .isTrue();
                }
                assertThat(resources.path("limits").path("memory").asText())
                        .as("memory limit of %s equals its request (never OOM-killed for another pod's use)", where)
                        .isEqualTo(resources.path("requests").path("memory").asText());
            }
        }
        JsonNode trainer = Manifests.rendered(overlay).get("StatefulSet", "fuseflow-trainer");
        assertThat(containers(trainer).get(0).has("startupProbe"))
                .as("the trainer's startup probe covers loading the model")
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void theStreamProcessorsHeapAndRocksDbFitTheirMemoryLimit(String overlay) throws Exception {
        Manifests manifests = Manifests.rendered(overlay);
        JsonNode streams = manifests.get("StatefulSet", "fuseflow-stream-processors");
        JsonNode container = containers(streams).get(0);
        long limit =
                bytes(container.path("resources").path("limits").path("memory").asText());
        Properties file = new Properties();
        String configMap = elements(podSpec(streams).path("volumes")).stream()
                .filter(v -> v.has("configMap"))
                .map(v -> v.path("configMap").path("name").asText())
                .findFirst()
                .orElseThrow();
        file.load(new StringReader(manifests
                .get("ConfigMap", configMap)
                .path("data")
                .path("stream-processors.properties")
                .asText()));
        Setting<Integer> rocksDbSetting = StreamProcessorSettings.ROCKSDB_MEMORY_MIB;
        int rocksDbMib = file.containsKey(rocksDbSetting.key())
                ? rocksDbSetting.parse(file.getProperty(rocksDbSetting.key()))
                : rocksDbSetting.defaultValue();
        long heap = (long) (limit * maxRamPercent(container) / 100);
        long rocksDb = (long) rocksDbMib << 20;
        assertThat(heap + rocksDb + JVM_OVERHEAD_BYTES)
                .as(
                        "heap %d MiB + RocksDB %d MiB + JVM overhead %d MiB within the %d MiB limit",
                        heap >> 20, rocksDb >> 20, JVM_OVERHEAD_BYTES >> 20, limit >> 20)
                .isLessThanOrEqualTo(limit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void strimziServesBrokerAndExporterMetricsThatPodMonitorsScrape(String overlay) throws Exception {
        Manifests manifests = Manifests.rendered(overlay);
        JsonNode kafka = manifests.ofKind("Kafka").get(0).path("spec");
        JsonNode metrics = kafka.path("kafka").path("metricsConfig");
        assertThat(metrics.path("type").asText()).isEqualTo("jmxPrometheusExporter");
        JsonNode ref = metrics.path("valueFrom").path("configMapKeyRef");
        JsonNode rules = Manifests.YAML.readTree(manifests
                .get("ConfigMap", ref.path("name").asText())
                .path("data")
                .path(ref.path("key").asText())
                .asText());
        assertThat(elements(rules.path("rules"))).as("JMX exporter rules").isNotEmpty();
        assertThat(kafka.path("kafkaExporter").isObject()).as("kafkaExporter").isTrue();
        Map<String, String> jobs = new TreeMap<>();
        for (JsonNode monitor : manifests.ofKind("PodMonitor")) {
            JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").get(0);
            assertThat(endpoint.path("port").asText()).isEqualTo("tcp-prometheus");
            elements(endpoint.path("relabelings")).stream()
                    .filter(r -> r.path("targetLabel").asText().equals("job"))
                    .forEach(r -> jobs.put(r.path("replacement").asText(), name(monitor)));
            assertThat(NetworkPolicies.selects(monitor.path("spec").path("selector"), STRIMZI_KAFKA_POD)
                            || NetworkPolicies.selects(monitor.path("spec").path("selector"), STRIMZI_EXPORTER_POD))
                    .as("PodMonitor %s selects Strimzi's broker or exporter pods", name(monitor))
                    .isTrue();
        }
        assertThat(jobs).containsOnlyKeys("fuseflow-kafka", "fuseflow-kafka-exporter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void kubePrometheusStackSelectsEveryMonitoringObject(String overlay) throws Exception {
        Manifests manifests = Manifests.rendered(overlay);
        Set<String> releases = new TreeSet<>();
        for (String kind : List.of("ServiceMonitor", "PodMonitor", "PrometheusRule")) {
            assertThat(manifests.ofKind(kind)).as(kind + "s").isNotEmpty();
            for (JsonNode monitor : manifests.ofKind(kind)) {
                String release = labels(monitor.path("metadata")).getOrDefault("release", "");
                assertThat(release)
                        .as("release label of %s %s", kind, name(monitor))
                        .isNotBlank();
                releases.add(release);
            }
        }
        assertThat(releases).as("one Helm release selects them all").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void theModelStoreIsReadWriteManyOnTheStorageClassParameter(String overlay) throws Exception {
        JsonNode parameters = Manifests.YAML.readTree(
                Manifests.MODULE.resolve("overlays/production/parameters.yaml").toFile());
        String storageClass =
                parameters.path("data").path("model-store-storage-class").asText();
        assertThat(storageClass).isNotBlank();
        Manifests manifests = Manifests.rendered(overlay);
        JsonNode store =
                manifests.get("PersistentVolumeClaim", "fuseflow-model-store").path("spec");
        assertThat(elements(store.path("accessModes")))
                .extracting(JsonNode::asText)
                .containsExactly("ReadWriteMany");
        assertThat(store.path("storageClassName").asText()).isEqualTo(storageClass);
        assertThat(manifests.find("ConfigMap", "fuseflow-parameters"))
                .as("the parameters object stays out of the cluster (local-config)")
                .isEmpty();
    }

    private static void assertStrimziTemplate(JsonNode template, String pod, String container) {
        assertThat(RestrictedPodSecurity.containerViolations(
                        container, template.path(container), template.path(pod).path("securityContext")))
                .as("restricted Pod Security Standard violations of Strimzi's %s", container)
                .isEmpty();
    }

    /** The policy Strimzi writes for the Kafka pods from each listener's networkPolicyPeers. */
    private static JsonNode strimziListenerPolicy(JsonNode kafka) {
        ObjectNode policy = Manifests.JSON.createObjectNode();
        policy.putObject("metadata")
                .put("name", "fuseflow-network-policy-kafka")
                .put("namespace", NAMESPACE);
        ObjectNode spec = policy.putObject("spec");
        ObjectNode selector = spec.putObject("podSelector").putObject("matchLabels");
        STRIMZI_KAFKA_POD.forEach(selector::put);
        spec.putArray("policyTypes").add("Ingress");
        ArrayNode ingress = spec.putArray("ingress");
        for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
            ObjectNode rule = ingress.addObject();
            rule.putArray("ports")
                    .addObject()
                    .put("protocol", "TCP")
                    .put("port", listener.path("port").asInt());
            if (listener.has("networkPolicyPeers")) {
                rule.set("from", listener.path("networkPolicyPeers"));
            }
        }
        return policy;
    }

    private static Map<String, String> namespaceLabels(String namespace) {
        return Map.of("kubernetes.io/metadata.name", namespace);
    }

    private static Set<String> writableMounts(JsonNode workload, JsonNode container) {
        Set<String> writable = new TreeSet<>();
        for (JsonNode mount : container.path("volumeMounts")) {
            if (!mount.path("readOnly").asBoolean(false)) {
                writable.add(mount.path("mountPath").asText());
            }
        }
        return writable;
    }

    private static Set<String> containerPortNames(JsonNode container) {
        Set<String> names = new TreeSet<>();
        container.path("ports").forEach(p -> names.add(p.path("name").asText()));
        return names;
    }

    private static double maxRamPercent(JsonNode container) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals("JAVA_TOOL_OPTIONS")) {
                Matcher matcher = MAX_RAM.matcher(variable.path("value").asText());
                if (matcher.find()) {
                    return Double.parseDouble(matcher.group(1));
                }
            }
        }
        return IMAGE_MAX_RAM_PERCENT;
    }

    /** A Kubernetes memory quantity with a binary suffix (the manifests use Mi and Gi). */
    private static long bytes(String quantity) {
        Matcher matcher = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertThat(matcher.matches())
                .as("memory quantity %s in Mi or Gi", quantity)
                .isTrue();
        return Long.parseLong(matcher.group(1)) << (matcher.group(2).equals("Gi") ? 30 : 20);
    }

    /** The first group of {@code regex} in the trainer's Dockerfile. */
    private static String dockerfileValue(String regex) throws Exception {
        Matcher matcher = Pattern.compile(regex)
                .matcher(Files.readString(Manifests.REPOSITORY.resolve(Path.of("deploy/images/trainer/Dockerfile"))));
        assertThat(matcher.find()).as("%s in the trainer's Dockerfile", regex).isTrue();
        return matcher.group(1);
    }
}
