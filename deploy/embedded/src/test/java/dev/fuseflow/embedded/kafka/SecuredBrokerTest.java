package dev.fuseflow.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.process.FreePorts;
import dev.fuseflow.embedded.security.TlsMaterial;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured broker is administered by its administrator only, through the controller listener
 * too: issue 21 found that an anonymous {@code Admin} on the controller port could grant a stranger
 * ALL, because the listener was plaintext and {@code User:ANONYMOUS} a super user.
 */
class SecuredBrokerTest {

    private static final AclBinding STRANGER_MAY_DO_ALL = new AclBinding(
            new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL),
            new AccessControlEntry("User:stranger", "*", AclOperation.ALL, AclPermissionType.ALLOW));

    @TempDir
    Path dir;

    @Test
    void theControllerListenerRefusesEveryClientWithoutTheNodesCertificate() throws Exception {
        TlsMaterial tls = TlsMaterial.selfSigned(dir.resolve("tls"), "store-secret");
        BrokerSecurity security = new BrokerSecurity(tls, "admin", "admin-secret");
        int controllerPort = FreePorts.pick(0);
        try (ChildProcessKafkaBroker broker = ChildProcessKafkaBroker.start(KafkaBrokerConfig.at(dir.resolve("broker"))
                .withPorts(0, controllerPort)
                .withSecurity(security))) {
            Map<String, Object> anonymous = Map.of("bootstrap.controllers", "127.0.0.1:" + controllerPort);
            assertThat(failure(anonymous, admin -> admin.describeCluster().clusterId()))
                    .as("an anonymous client describes the cluster through the controller port")
                    .isPresent();
            assertThat(failure(
                            anonymous,
                            admin -> admin.createAcls(List.of(STRANGER_MAY_DO_ALL))
                                    .all()))
                    .as("an anonymous client grants a stranger ALL through the controller port")
                    .isPresent();

            Map<String, Object> tlsWithoutCertificate = new HashMap<>(anonymous);
            tlsWithoutCertificate.put("security.protocol", "SSL");
            tlsWithoutCertificate.put(
                    "ssl.truststore.location", tls.truststore().toString());
            tlsWithoutCertificate.put("ssl.truststore.type", "PKCS12");
            tlsWithoutCertificate.put("ssl.truststore.password", tls.password());
            assertThat(failure(
                            tlsWithoutCertificate,
                            admin -> admin.createAcls(List.of(STRANGER_MAY_DO_ALL))
                                    .all()))
                    .as("a TLS client without a certificate")
                    .isPresent();

            // A certificate of the same subject, made by someone else, is not the node's.
            TlsMaterial forged = TlsMaterial.selfSigned(dir.resolve("forged"), "forged-secret");
            Map<String, Object> forgedCertificate = new HashMap<>(tlsWithoutCertificate);
            forgedCertificate.put("ssl.keystore.location", forged.keystore().toString());
            forgedCertificate.put("ssl.keystore.type", "PKCS12");
            forgedCertificate.put("ssl.keystore.password", forged.password());
            forgedCertificate.put("ssl.key.password", forged.password());
            assertThat(failure(
                            forgedCertificate,
                            admin -> admin.createAcls(List.of(STRANGER_MAY_DO_ALL))
                                    .all()))
                    .as("a TLS client with a forged certificate of subject %s", TlsMaterial.SUBJECT)
                    .isPresent();

            Map<String, Object> administrator = new HashMap<>(security.adminClientProperties());
            administrator.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(administrator)) {
                // Forwarded to the controller over its listener: the node authenticates there itself.
                admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                        .as("ACLs the refused clients created")
                        .isEmpty();
            }
        }
    }

    @FunctionalInterface
    private interface AdminCall {
        KafkaFuture<?> call(Admin admin);
    }

    /** What stopped {@code call} as a client with {@code properties}, or empty when it succeeded. */
    private static Optional<Throwable> failure(Map<String, Object> properties, AdminCall call) {
        Map<String, Object> quick = new HashMap<>(properties);
        quick.put("request.timeout.ms", 3_000);
        quick.put("default.api.timeout.ms", 6_000);
        try (Admin admin = Admin.create(quick)) {
            call.call(admin).get(20, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of(e);
        }
    }
}
