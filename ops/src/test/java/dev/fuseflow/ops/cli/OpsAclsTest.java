package dev.fuseflow.ops.cli;

import static dev.fuseflow.ops.cli.OpsTestFixtures.ops;
import static dev.fuseflow.ops.cli.OpsTestFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.kafka.BrokerSecurity;
import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.embedded.security.TlsMaterial;
import dev.fuseflow.runtime.security.ComponentAccess;
import dev.fuseflow.runtime.security.ComponentAccess.Component;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fuseflow-ops acls}: the README's ACL table is the code's, and the applied OPS ACLs are enough for {@code status}. */
@WithEmbeddedStack
class OpsAclsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ACL_CELL = Pattern.compile("`([A-Z_]+ [A-Z_]+ [^`]+)`");

    @TempDir
    Path dir;

    @Test
    void theReadmeTableListsExactlyTheAclsOfEachComponent() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        for (Component component : Component.values()) {
            String row = readme.stream()
                    .filter(line -> line.startsWith("| `" + component.name() + "`"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("README has no ACL row for " + component));
            Set<String> documented =
                    ACL_CELL.matcher(row).results().map(m -> m.group(1)).collect(Collectors.toSet());
            Set<String> printed = ops("acls", "--component", component.name(), "--principal", "User:x")
                    .lines()
                    .filter(line -> line.startsWith("  ALLOW "))
                    .map(line -> line.substring("  ALLOW ".length()))
                    .collect(Collectors.toSet());
            assertThat(documented)
                    .as("README row of %s", component)
                    .isEqualTo(printed)
                    .isEqualTo(ComponentAccess.defaults().bindings(component, "User:x").stream()
                            .map(ComponentAccess::describe)
                            .collect(Collectors.toSet()));
        }
    }

    @Test
    void appliedOpsAclsLetTheOpsPrincipalReadStatusAndHideOtherGroups(EmbeddedStack stack) throws Exception {
        TlsMaterial tls = TlsMaterial.selfSigned(dir.resolve("tls"), "store-secret");
        BrokerSecurity security = new BrokerSecurity(tls, "admin", "admin-secret");
        FuseFlowTopics topics = FuseFlowTopics.defaults();
        try (ChildProcessKafkaBroker broker = ChildProcessKafkaBroker.start(
                KafkaBrokerConfig.at(dir.resolve("broker")).withSecurity(security))) {
            Map<String, Object> admin = new HashMap<>(security.adminClientProperties());
            admin.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin client = Admin.create(admin)) {
                new TopicProvisioner(client).ensure(topics.all());
                client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                                "fuseflow-ops",
                                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                                "ops-secret")))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                for (String group : List.of("fuseflow-trainer", "fuseflow-elsewhere")) {
                    client.alterConsumerGroupOffsets(
                                    group,
                                    Map.of(
                                            new TopicPartition(
                                                    topics.preferences().name(), 0),
                                            new OffsetAndMetadata(0)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                }
            }
            writeVersion(admin, stack, topics, version(1, ModelVersionStatus.PUBLISHED, List.of(), 0.5));
            Path adminFile = securityFile("admin", "admin-secret", tls);
            Path opsFile = securityFile("fuseflow-ops", "ops-secret", tls);

            String applied = ops(
                    "acls",
                    "--component",
                    "OPS",
                    "--principal",
                    "User:fuseflow-ops",
                    "--apply",
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--security-config",
                    adminFile.toString());
            assertThat(applied).contains("created 7 ACLs");
            try (Admin client = Admin.create(admin)) {
                assertThat(client.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                        .hasSize(7);
            }

            JsonNode status = JSON.readTree(ops(
                    "status",
                    "--json",
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--schema-registry-url",
                    stack.schemaRegistryUrl(),
                    "--security-config",
                    opsFile.toString(),
                    "--trend-window",
                    "PT0.5S"));
            assertThat(status.get("models").get(0).get("model").asText()).isEqualTo("target");
            Set<String> groups = new TreeSet<>();
            status.get("lag").forEach(row -> groups.add(row.get("group").asText()));
            assertThat(groups).as("groups the ops principal may describe").containsExactly("fuseflow-trainer");
        }
    }

    private Path securityFile(String user, String password, TlsMaterial tls) throws Exception {
        return Files.writeString(
                dir.resolve(user + ".properties"),
                String.join(
                        "\n",
                        ClientSecurity.PROTOCOL + "=SASL_SSL",
                        ClientSecurity.SASL_USERNAME + "=" + user,
                        ClientSecurity.SASL_PASSWORD + "=" + password,
                        ClientSecurity.TRUSTSTORE + "=" + tls.truststore(),
                        ClientSecurity.TRUSTSTORE_PASSWORD + "=" + tls.password()));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void writeVersion(
            Map<String, Object> admin, EmbeddedStack stack, FuseFlowTopics topics, ModelVersion version)
            throws Exception {
        Map<String, Object> config = new HashMap<>(admin);
        config.put("schema.registry.url", stack.schemaRegistryUrl());
        KafkaAvroSerializer values = new KafkaAvroSerializer();
        values.configure(config, false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config, new StringSerializer(), values)) {
            producer.send(new ProducerRecord<>(topics.modelVersions().name(), "target", version))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
