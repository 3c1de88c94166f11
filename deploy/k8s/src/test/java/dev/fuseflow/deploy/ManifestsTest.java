package dev.fuseflow.deploy;

import static dev.fuseflow.deploy.Manifests.containers;
import static dev.fuseflow.deploy.Manifests.elements;
import static dev.fuseflow.deploy.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fuseflow.ops.cli.OpsCommand;
import dev.fuseflow.producers.gateway.GatewayConfig;
import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.runtime.config.SettingsDefaultProvider;
import dev.fuseflow.runtime.security.ComponentAccess;
import dev.fuseflow.runtime.security.ComponentAccess.Component;
import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.topics.TopicSpec;
import dev.fuseflow.streams.app.StreamProcessorConfig;
import dev.fuseflow.trainer.cli.TrainerCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The Kustomize overlays rendered by real Kustomize and valid against the Kubernetes, Strimzi and
 * Prometheus Operator schemas (see {@link Manifests#render}), then held against the code: topics
 * against FuseFlowTopics, users' ACLs against ComponentAccess, images and ports against the
 * modules, and each FuseFlow container's config files, environment and arguments loaded by the
 * component's own configuration code on what the pod would mount.
 */
class ManifestsTest {

    private static final String CCOMPAT = "/apis/ccompat/v7";
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{(?:env:)?(FUSEFLOW_[A-Z0-9_]+)");
    private static final Map<String, Component> COMPONENT_OF_IMAGE = Map.of(
            "fuseflow-gateway",
            Component.PRODUCER,
            "fuseflow-stream-processors",
            Component.STREAMS,
            "fuseflow-trainer",
            Component.TRAINER,
            "fuseflow-ops",
            Component.OPS);
    private static final Map<String, Manifests> RENDERED = new HashMap<>();
    private static ModulePoms poms;

    @TempDir
    Path sandboxes;

    @BeforeAll
    static void render() throws Exception {
        poms = ModulePoms.read();
        for (String overlay : List.of("production", "apicurio")) {
            RENDERED.put(overlay, Manifests.rendered(overlay));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void kafkaTopicsAreTheTopicsOfTheCode(String overlay) {
        Map<String, JsonNode> topics = RENDERED.get(overlay).ofKind("KafkaTopic").stream()
                .collect(Collectors.toMap(t -> t.path("spec").path("topicName").asText(), t -> t.path("spec")));
        List<TopicSpec> specs = FuseFlowTopics.defaults().all();
        assertThat(topics.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        specs.stream().map(TopicSpec::name).toList());
        for (TopicSpec spec : specs) {
            JsonNode topic = topics.get(spec.name());
            assertThat(topic.path("partitions").asInt())
                    .as("partitions of %s", spec.name())
                    .isEqualTo(spec.partitions());
            spec.configs()
                    .forEach((key, value) -> assertThat(
                                    topic.path("config").path(key).asText())
                            .as("%s of %s", key, spec.name())
                            .isEqualTo(value));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void theKafkaClusterAuthenticatesEveryListenerAndMakesNoAnonymousPrincipalSuper(String overlay) {
        List<JsonNode> clusters = RENDERED.get(overlay).ofKind("Kafka");
        assertThat(clusters).hasSize(1);
        JsonNode kafka = clusters.get(0).path("spec").path("kafka");
        assertThat(elements(kafka.path("listeners"))).isNotEmpty();
        for (JsonNode listener : elements(kafka.path("listeners"))) {
            String name = listener.path("name").asText();
            assertThat(listener.path("tls").asBoolean())
                    .as("TLS on listener %s", name)
                    .isTrue();
            assertThat(listener.path("authentication").path("type").asText())
                    .as("authentication of listener %s", name)
                    .isIn("scram-sha-512", "tls");
        }
        assertThat(kafka.path("authorization").path("type").asText()).isEqualTo("simple");
        for (JsonNode user : elements(kafka.path("authorization").path("superUsers"))) {
            assertThat(user.asText()).as("a super user").doesNotContainIgnoringCase("ANONYMOUS");
        }
        JsonNode config = kafka.path("config");
        assertThat(config.has("super.users")).as("super.users in config").isFalse();
        assertThat(config.path("allow.everyone.if.no.acl.found").asText("false"))
                .isEqualTo("false");
        for (JsonNode user : RENDERED.get(overlay).ofKind("KafkaUser")) {
            assertThat(user.path("spec").path("authentication").path("type").asText())
                    .as("authentication of KafkaUser %s", name(user))
                    .isIn("scram-sha-512", "tls");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void eachComponentsKafkaUserHoldsExactlyItsDocumentedAcls(String overlay) {
        Set<Component> covered = new TreeSet<>();
        for (JsonNode user : RENDERED.get(overlay).ofKind("KafkaUser")) {
            String component = user.path("metadata")
                    .path("annotations")
                    .path("fuseflow.dev/component")
                    .asText();
            if (component.isEmpty()) {
                continue;
            }
            Component which = Component.valueOf(component);
            covered.add(which);
            Set<String> granted = new TreeSet<>();
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode resource = acl.path("resource");
                String type = switch (resource.path("type").asText()) {
                    case "transactionalId" -> "TRANSACTIONAL_ID";
                    default -> resource.path("type").asText().toUpperCase(Locale.ROOT);
                };
                String suffix = resource.path("patternType").asText().equals("prefix") ? "*" : "";
                acl.path("operations")
                        .forEach(op -> granted.add(op.asText().toUpperCase(Locale.ROOT) + " " + type + " "
                                + resource.path("name").asText() + suffix));
            }
            Set<String> documented = ComponentAccess.defaults().bindings(which, "User:" + name(user)).stream()
                    .map(ComponentAccess::describe)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(granted)
                    .as("ACLs of KafkaUser %s (%s)", name(user), which)
                    .isEqualTo(documented);
        }
        assertThat(covered).containsExactlyInAnyOrder(Component.values());
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void everyFuseFlowContainerRunsAModulesImageOnItsPortAndStartsOnItsMountedConfig(String overlay) throws Exception {
        Manifests manifests = RENDERED.get(overlay);
        Set<String> imagesSeen = new TreeSet<>();
        for (JsonNode workload : manifests.workloads()) {
            for (JsonNode container : containers(workload)) {
                String image = container.path("image").asText();
                if (!image.startsWith(poms.registry() + "/")) {
                    continue;
                }
                String imageName = image.substring(poms.registry().length() + 1).replaceFirst(":.*$", "");
                ModulePoms.Image module = poms.image(imageName);
                imagesSeen.add(imageName);
                assertThat(Class.forName(module.mainClass()))
                        .as("main class of %s", imageName)
                        .isNotNull();
                int port = elements(container.path("ports"))
                        .get(0)
                        .path("containerPort")
                        .asInt();
                assertThat(port).as("container port of %s", name(workload)).isEqualTo(module.port());
                ContainerSandbox sandbox = new ContainerSandbox(
                        sandboxes.resolve(overlay + "-" + name(workload)), workload, container, manifests);
                int listening = startConfiguration(imageName, workload, container, sandbox);
                assertThat(listening)
                        .as("port %s's program listens on, from its config", name(workload))
                        .isEqualTo(port);
                assertSecurityMatchesItsKafkaUser(
                        manifests, COMPONENT_OF_IMAGE.get(imageName), sandbox, name(workload));
            }
        }
        assertThat(imagesSeen)
                .containsExactlyInAnyOrderElementsOf(poms.byImageName().keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void servicesAndServiceMonitorsReachNamedPortsOfTheirPods(String overlay) {
        Manifests manifests = RENDERED.get(overlay);
        for (JsonNode service : manifests.ofKind("Service")) {
            List<JsonNode> pods = selected(manifests, service.path("spec").path("selector"));
            assertThat(pods).as("workloads behind Service %s", name(service)).isNotEmpty();
            for (JsonNode port : service.path("spec").path("ports")) {
                String target = port.path("targetPort").asText();
                for (JsonNode workload : pods) {
                    assertThat(containers(workload).stream()
                                    .flatMap(c -> elements(c.path("ports")).stream())
                                    .map(p -> p.path("name").asText()))
                            .as("port %s of %s", target, name(workload))
                            .contains(target);
                }
            }
        }
        for (JsonNode monitor : manifests.ofKind("ServiceMonitor")) {
            List<JsonNode> services = manifests.ofKind("Service").stream()
                    .filter(s -> labelsMatch(
                            s.path("metadata").path("labels"),
                            monitor.path("spec").path("selector").path("matchLabels")))
                    .toList();
            assertThat(services)
                    .as("Services of ServiceMonitor %s", name(monitor))
                    .isNotEmpty();
            for (JsonNode endpoint : monitor.path("spec").path("endpoints")) {
                assertThat(services.stream()
                                .flatMap(s -> elements(s.path("spec").path("ports")).stream())
                                .map(p -> p.path("name").asText()))
                        .as("port of ServiceMonitor %s", name(monitor))
                        .contains(endpoint.path("port").asText());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "apicurio"})
    void trainerIsOneReplicaOnAGpuWithPersistentRunAndStoreAndStreamsKeepStandbyState(String overlay) throws Exception {
        Manifests manifests = RENDERED.get(overlay);
        JsonNode trainer = manifests.get("StatefulSet", "fuseflow-trainer");
        assertThat(trainer.path("spec").path("replicas").asInt()).isEqualTo(1);
        JsonNode container = containers(trainer).get(0);
        assertThat(container
                        .path("resources")
                        .path("limits")
                        .path("nvidia.com/gpu")
                        .asInt())
                .isGreaterThanOrEqualTo(1);
        List<String> args =
                elements(container.path("args")).stream().map(JsonNode::asText).toList();
        for (String option : List.of("--output=", "--store=", "--model=")) {
            String path = args.stream()
                    .filter(a -> a.startsWith(option))
                    .findFirst()
                    .orElseThrow()
                    .substring(option.length());
            String volume = mountOf(container, path);
            assertThat(persistent(trainer, volume))
                    .as("%s%s is on a persistent volume", option, path)
                    .isTrue();
        }
        JsonNode streams = manifests.get("StatefulSet", "fuseflow-stream-processors");
        assertThat(streams.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(2);
        ContainerSandbox sandbox = new ContainerSandbox(
                sandboxes.resolve("streams"), streams, containers(streams).get(0), manifests);
        StreamProcessorConfig config = streamsConfig(containers(streams).get(0), sandbox);
        assertThat(config.standbyReplicas()).isGreaterThanOrEqualTo(1);
        String stateDir = containerPath(sandbox, config.stateDir());
        assertThat(persistent(streams, mountOf(containers(streams).get(0), stateDir)))
                .as("state dir on a persistent volume")
                .isTrue();
    }

    @Test
    void thePrometheusRuleHoldsTheAlertRuleFiles() throws Exception {
        List<JsonNode> groups = new ArrayList<>();
        for (Path file : AlertRules.KUBERNETES_FILES) {
            groups.addAll(elements(Manifests.YAML.readTree(file.toFile()).path("groups")));
        }
        for (Manifests manifests : RENDERED.values()) {
            assertThat(elements(manifests
                            .get("PrometheusRule", "fuseflow-alerts")
                            .path("spec")
                            .path("groups")))
                    .isEqualTo(groups);
        }
    }

    @Test
    void theApicurioOverlayReplacesTheRegistryAndPointsEveryComponentAtItsConfluentApi() {
        Manifests apicurio = RENDERED.get("apicurio");
        assertThat(apicurio.workloads().stream()
                        .flatMap(w -> containers(w).stream())
                        .map(c -> c.path("image").asText()))
                .noneMatch(image -> image.startsWith("confluentinc/"))
                .anyMatch(image -> image.startsWith("apicurio/apicurio-registry:"));
        List<JsonNode> registry = selected(
                apicurio,
                apicurio.get("Service", "schema-registry").path("spec").path("selector"));
        assertThat(registry).extracting(Manifests::name).containsExactly("apicurio-registry");
        for (JsonNode workload : apicurio.workloads()) {
            for (JsonNode container : containers(workload)) {
                if (container.path("image").asText().startsWith(poms.registry() + "/")) {
                    assertThat(elements(container.path("env")).stream()
                                    .filter(e -> e.path("name").asText().equals("FUSEFLOW_SCHEMA_REGISTRY_URL"))
                                    .map(e -> e.path("value").asText()))
                            .as("registry URL of %s", name(workload))
                            .singleElement()
                            .satisfies(url -> assertThat(url).endsWith(CCOMPAT));
                }
            }
        }
        assertThat(RENDERED.get("production").find("Deployment", "apicurio-registry"))
                .isEmpty();
    }

    @Test
    void theComposeFileRunsTheSameImagesPortsAndSettings() throws Exception {
        JsonNode compose = Manifests.YAML.readTree(
                Manifests.REPOSITORY.resolve("deploy/compose/compose.yaml").toFile());
        Set<String> imagesSeen = new TreeSet<>();
        var services = compose.path("services").fields();
        while (services.hasNext()) {
            var service = services.next();
            String image = service.getValue().path("image").asText();
            if (!image.startsWith(poms.registry() + "/")) {
                continue;
            }
            String imageName = image.substring(poms.registry().length() + 1).replaceFirst(":.*$", "");
            ModulePoms.Image module = poms.image(imageName);
            imagesSeen.add(imageName);
            assertThat(elements(service.getValue().path("ports")).stream().map(JsonNode::asText))
                    .as("ports of compose service %s", service.getKey())
                    .contains(module.port() + ":" + module.port());
            Map<String, String> env = new HashMap<>();
            service.getValue()
                    .path("environment")
                    .fields()
                    .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            List<String> args = elements(service.getValue().path("command")).stream()
                    .map(JsonNode::asText)
                    .toList();
            int port = switch (imageName) {
                case "fuseflow-gateway" ->
                    startable(GatewayConfig.from(
                                    Settings.load(GatewayConfig.DEFAULTS, Optional.empty(), env, Map.of())))
                            .port();
                case "fuseflow-stream-processors" ->
                    StreamProcessorConfig.from(
                                    Settings.load(StreamProcessorConfig.DEFAULTS, Optional.empty(), env, Map.of()))
                            .metricsPort();
                default -> picocliPort(imageName, args, env);
            };
            assertThat(port).as("port of compose service %s", service.getKey()).isEqualTo(module.port());
        }
        assertThat(imagesSeen)
                .containsExactlyInAnyOrderElementsOf(poms.byImageName().keySet());
        assertThat(compose.path("services")
                        .path("trainer")
                        .path("deploy")
                        .path("resources")
                        .path("reservations")
                        .path("devices")
                        .get(0)
                        .path("capabilities")
                        .get(0)
                        .asText())
                .isEqualTo("gpu");
    }

    /**
     * The gateway refuses to start on a non-loopback interface with nothing that authenticates: the
     * check it runs at start, run on the deployed settings.
     */
    private static GatewayConfig startable(GatewayConfig gateway) {
        gateway.access().requireProtected(gateway.host());
        return gateway;
    }

    /** Loads the container's settings with the component's own code; returns the port it would listen on. */
    private static int startConfiguration(
            String imageName, JsonNode workload, JsonNode container, ContainerSandbox sandbox) throws Exception {
        List<String> args = elements(container.path("args")).stream()
                .map(JsonNode::asText)
                .map(sandbox::localized)
                .toList();
        switch (imageName) {
            case "fuseflow-gateway" -> {
                Path file = configFile(args, sandbox);
                assertEnvNamesKnown(sandbox, envNames(GatewayConfig.DEFAULTS.keySet()), name(workload));
                assertKeysKnown(file, GatewayConfig.DEFAULTS.keySet(), List.of("kafka."), name(workload));
                return startable(GatewayConfig.from(Settings.load(
                                GatewayConfig.DEFAULTS, Optional.of(file), localizedEnv(sandbox), Map.of())))
                        .port();
            }
            case "fuseflow-stream-processors" -> {
                assertEnvNamesKnown(sandbox, envNames(StreamProcessorConfig.DEFAULTS.keySet()), name(workload));
                assertKeysKnown(
                        configFile(args, sandbox),
                        StreamProcessorConfig.DEFAULTS.keySet(),
                        List.of("kafka.", "serde."),
                        name(workload));
                return streamsConfig(container, sandbox).metricsPort();
            }
            default -> {
                return picocliPort(imageName, args, localizedEnv(sandbox), sandbox, name(workload));
            }
        }
    }

    private static int picocliPort(String imageName, List<String> args, Map<String, String> env) throws Exception {
        return portOf(parse(imageName, args, env), imageName);
    }

    private static int picocliPort(
            String imageName, List<String> args, Map<String, String> env, ContainerSandbox sandbox, String workload)
            throws Exception {
        ParseResult parsed = parse(imageName, args, env);
        CommandSpec command = parsed.subcommand().commandSpec();
        Set<String> allowed = new TreeSet<>(envNames(ClientSecurity.DEFAULTS.keySet()));
        for (OptionSpec option : allOptions(command)) {
            // The one rule (SettingsDefaultProvider): an option's variable is its key's, FUSEFLOW_ and the key
            // upper-cased.
            if (SettingsDefaultProvider.layered(option)) {
                allowed.add(Settings.envName(SettingsDefaultProvider.key(option)));
            }
            Optional.ofNullable(option.defaultValueString(false)).ifPresent(value -> {
                Matcher matcher = ENV_REFERENCE.matcher(value);
                while (matcher.find()) {
                    allowed.add(matcher.group(1));
                }
            });
        }
        assertEnvNamesKnown(sandbox, allowed, workload);
        OptionSpec securityConfig = command.findOption("--security-config");
        if (securityConfig != null && securityConfig.getValue() != null) {
            Path file = localizedCopy(securityConfig.getValue(), sandbox);
            assertKeysKnown(file, ClientSecurity.DEFAULTS.keySet(), List.of(), workload);
            ClientSecurity.load(Optional.of(file), env);
        }
        return portOf(parsed, imageName);
    }

    private static ParseResult parse(String imageName, List<String> args, Map<String, String> env) throws Exception {
        String[] array = args.toArray(String[]::new);
        CommandLine line = imageName.equals("fuseflow-trainer")
                ? TrainerCommand.commandLine(array, env)
                : OpsCommand.commandLine();
        return line.parseArgs(array);
    }

    private static int portOf(ParseResult parsed, String imageName) {
        CommandSpec command = parsed.subcommand().commandSpec();
        OptionSpec port = command.findOption(imageName.equals("fuseflow-trainer") ? "--metrics-port" : "--port");
        assertThat(port)
                .as("%s's command %s has a port option", imageName, command.name())
                .isNotNull();
        return port.<Integer>getValue();
    }

    private static List<OptionSpec> allOptions(CommandSpec command) {
        List<OptionSpec> options = new ArrayList<>(command.options());
        command.mixins().values().forEach(mixin -> options.addAll(allOptions(mixin)));
        return options;
    }

    private static StreamProcessorConfig streamsConfig(JsonNode container, ContainerSandbox sandbox) throws Exception {
        List<String> args = elements(container.path("args")).stream()
                .map(JsonNode::asText)
                .map(sandbox::localized)
                .toList();
        return StreamProcessorConfig.from(Settings.load(
                StreamProcessorConfig.DEFAULTS,
                Optional.of(configFile(args, sandbox)),
                localizedEnv(sandbox),
                Map.of()));
    }

    private static void assertSecurityMatchesItsKafkaUser(
            Manifests manifests, Component component, ContainerSandbox sandbox, String workload) {
        String user = sandbox.env().get("FUSEFLOW_SECURITY_SASL_USERNAME");
        assertThat(user).as("SASL user of %s", workload).isNotNull();
        JsonNode kafkaUser = manifests.get("KafkaUser", user);
        assertThat(kafkaUser
                        .path("metadata")
                        .path("annotations")
                        .path("fuseflow.dev/component")
                        .asText())
                .as("component of KafkaUser %s used by %s", user, workload)
                .isEqualTo(component.name());
        assertThat(sandbox.secretRefs())
                .as("secrets of %s", workload)
                .containsEntry("FUSEFLOW_SECURITY_SASL_PASSWORD", user + "/password")
                .containsEntry("FUSEFLOW_SECURITY_SSL_TRUSTSTORE_PASSWORD", "fuseflow-cluster-ca-cert/ca.password");
    }

    private static Path configFile(List<String> args, ContainerSandbox sandbox) throws Exception {
        int at = args.indexOf("--config");
        assertThat(at).as("--config in %s", args).isNotNegative();
        return localizedCopy(Path.of(args.get(at + 1)), sandbox);
    }

    /** A copy of a mounted file with the container paths in it pointing into the sandbox. */
    private static Path localizedCopy(Path file, ContainerSandbox sandbox) throws IOException {
        Path rewritten = file.resolveSibling(file.getFileName() + ".local");
        Files.writeString(rewritten, sandbox.localized(Files.readString(file)));
        return rewritten;
    }

    private static Map<String, String> localizedEnv(ContainerSandbox sandbox) {
        Map<String, String> env = new HashMap<>();
        sandbox.env().forEach((key, value) -> env.put(key, sandbox.localized(value)));
        return env;
    }

    private static Set<String> envNames(Set<String> keys) {
        Set<String> names = keys.stream().map(Settings::envName).collect(Collectors.toCollection(TreeSet::new));
        names.addAll(
                ClientSecurity.DEFAULTS.keySet().stream().map(Settings::envName).toList());
        return names;
    }

    private static void assertEnvNamesKnown(ContainerSandbox sandbox, Set<String> allowed, String workload) {
        assertThat(sandbox.env().keySet().stream().filter(n -> n.startsWith("FUSEFLOW_")))
                .as("FUSEFLOW_ variables of %s the program reads", workload)
                .allMatch(allowed::contains);
    }

    private static void assertKeysKnown(Path file, Set<String> known, List<String> passThrough, String workload)
            throws Exception {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(file)) {
            properties.load(in);
        }
        assertThat(properties.stringPropertyNames())
                .as("keys of %s's config file", workload)
                .allMatch(key -> known.contains(key) || passThrough.stream().anyMatch(key::startsWith));
    }

    private static String mountOf(JsonNode container, String path) {
        return elements(container.path("volumeMounts")).stream()
                .filter(m -> path.equals(m.path("mountPath").asText())
                        || path.startsWith(m.path("mountPath").asText() + "/"))
                .map(m -> m.path("name").asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError(path + " is on no volume"));
    }

    private static boolean persistent(JsonNode workload, String volume) {
        boolean template = elements(workload.path("spec").path("volumeClaimTemplates")).stream()
                .anyMatch(t -> name(t).equals(volume));
        boolean claim = elements(
                        workload.path("spec").path("template").path("spec").path("volumes"))
                .stream()
                .anyMatch(v -> v.path("name").asText().equals(volume) && v.has("persistentVolumeClaim"));
        return template || claim;
    }

    private static String containerPath(ContainerSandbox sandbox, Path local) {
        Path root = sandbox.local("/");
        return "/" + root.relativize(local);
    }

    private static List<JsonNode> selected(Manifests manifests, JsonNode selector) {
        return manifests.workloads().stream()
                .filter(w -> labelsMatch(
                        w.path("spec").path("template").path("metadata").path("labels"), selector))
                .toList();
    }

    private static boolean labelsMatch(JsonNode labels, JsonNode selector) {
        var fields = selector.fields();
        while (fields.hasNext()) {
            var entry = fields.next();
            if (!entry.getValue().asText().equals(labels.path(entry.getKey()).asText())) {
                return false;
            }
        }
        return selector.size() > 0;
    }
}
