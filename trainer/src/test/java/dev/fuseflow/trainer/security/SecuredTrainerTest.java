package dev.fuseflow.trainer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.kafka.BrokerSecurity;
import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.embedded.security.BasicAuthRegistryProxy;
import dev.fuseflow.embedded.security.TlsMaterial;
import dev.fuseflow.runtime.config.FuseFlowVersion;
import dev.fuseflow.runtime.security.ComponentAccess;
import dev.fuseflow.runtime.security.ComponentAccess.Component;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.registry.RegistryClientConfig;
import dev.fuseflow.schemas.registry.RestSchemaRegistryClient;
import dev.fuseflow.schemas.registry.SchemaRegistryException;
import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.cli.Running;
import dev.fuseflow.trainer.cli.ServeCommand;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.service.TrainerServiceTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer against a SASL_SSL broker (a JVM of its own: a second in-process broker beside the
 * shared stack's took the test JVM down once in CI) with SCRAM users and ACLs, and a registry behind HTTPS with
 * basic auth: strangers are refused at the door, a known user without ACLs at the resource, and the
 * trainer's principal, granted exactly {@link ComponentAccess}'s ACLs, trains and publishes.
 */
@WithEmbeddedStack
class SecuredTrainerTest {

    private static final String PASSWORD = "store-secret";
    private static final String TRAINER = "fuseflow-trainer";
    private static final String TRAINER_PASSWORD = "trainer \"quoted\" secret";
    private static final String STRANGER = "fuseflow-stranger";
    private static final String REGISTRY_USER = "trainer:registry-secret";
    private static final String GROUP = "fuseflow-trainer-secured";
    private static final String MODEL = "secured";

    @TempDir
    static Path dir;

    private static TlsMaterial tls;
    private static BrokerSecurity security;
    private static ChildProcessKafkaBroker broker;
    private static BasicAuthRegistryProxy registry;
    private static FuseFlowTopics topics;

    @BeforeAll
    static void startSecuredCluster(EmbeddedStack stack) throws Exception {
        tls = TlsMaterial.selfSigned(dir.resolve("tls"), PASSWORD);
        security = new BrokerSecurity(tls, "admin", "admin-secret");
        broker = ChildProcessKafkaBroker.start(
                KafkaBrokerConfig.at(dir.resolve("broker")).withSecurity(security));
        registry = BasicAuthRegistryProxy.start(stack.schemaRegistryUrl(), tls, REGISTRY_USER);
        topics = FuseFlowTopics.defaults().renamed(name -> "secured." + name);
        try (Admin admin = Admin.create(adminConfig())) {
            new TopicProvisioner(admin).ensure(topics.all());
            ScramCredentialInfo scram = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192);
            admin.alterUserScramCredentials(List.of(
                            new UserScramCredentialUpsertion(TRAINER, scram, TRAINER_PASSWORD),
                            new UserScramCredentialUpsertion(STRANGER, scram, "stranger")))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            admin.createAcls(access().bindings(Component.TRAINER, "User:" + TRAINER))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aClientWithoutCredentialsIsRefused() {
        Map<String, Object> tlsOnly = new HashMap<>(Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "security.protocol",
                "SSL",
                "ssl.truststore.location",
                tls.truststore().toString(),
                "ssl.truststore.password",
                PASSWORD));
        tlsOnly.putAll(Map.of("request.timeout.ms", 2_000, "default.api.timeout.ms", 4_000));
        try (Admin admin = Admin.create(tlsOnly)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
        }
        // (A PLAINTEXT client is not tried here: it reads the TLS handshake as a giant frame size and
        // dies of OutOfMemoryError in its own thread, a known Kafka client behaviour.)
    }

    @Test
    void aWrongPasswordIsRefusedWithAnAuthenticationError() {
        Map<String, Object> config = new HashMap<>(security.clientProperties(TRAINER, "not-the-password"));
        config.putAll(Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "request.timeout.ms",
                5_000,
                "default.api.timeout.ms",
                10_000));
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void anAuthenticatedUserWithoutAclsCannotReadSamplesNorTheTrainerWriteEvents() throws Exception {
        Map<String, Object> stranger = new HashMap<>(security.clientProperties(STRANGER, "stranger"));
        stranger.putAll(Map.of("bootstrap.servers", broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, GROUP));
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(stranger, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topics.preferences().name()));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOfAny(GroupAuthorizationException.class, TopicAuthorizationException.class);
        }
        Map<String, Object> trainer = new HashMap<>(trainerSecurity().kafkaProperties());
        trainer.putAll(Map.of("bootstrap.servers", broker.bootstrapServers(), "max.block.ms", 10_000));
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(trainer, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(
                                    new ProducerRecord<>(topics.generations().name(), "k", "v"))
                            .get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theRegistryRefusesRequestsWithoutBasicAuth() {
        RestSchemaRegistryClient anonymous = new RestSchemaRegistryClient(RegistryClientConfig.from(Map.of(
                RegistryClientConfig.URL,
                registry.url(),
                RegistryClientConfig.TRUSTSTORE_LOCATION,
                tls.truststore().toString(),
                RegistryClientConfig.TRUSTSTORE_PASSWORD,
                PASSWORD,
                RegistryClientConfig.MAX_RETRIES,
                0)));
        long refusedBefore = registry.refused();
        assertThatThrownBy(() -> anonymous.register("secured-probe-value", PreferenceSample.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("401");
        assertThat(registry.refused()).isGreaterThan(refusedBefore);
    }

    @Test
    void theTrainersPrincipalWithItsDocumentedAclsTrainsAndPublishesAVersion() throws Exception {
        produceSamplesAsAdmin(ShoutTask.samples(120, 17));
        Path securityFile = dir.resolve("trainer-security.properties");
        Files.writeString(
                securityFile,
                String.join(
                        "\n",
                        ClientSecurity.PROTOCOL + "=SASL_SSL",
                        ClientSecurity.SASL_USERNAME + "=" + TRAINER,
                        ClientSecurity.TRUSTSTORE + "=" + tls.truststore(),
                        ClientSecurity.TRUSTSTORE_PASSWORD + "=" + PASSWORD,
                        ClientSecurity.REGISTRY_USER_INFO + "=" + REGISTRY_USER,
                        ClientSecurity.REGISTRY_TRUSTSTORE + "=" + tls.truststore(),
                        ClientSecurity.REGISTRY_TRUSTSTORE_PASSWORD + "=" + PASSWORD));
        // The password comes from a mounted secret file, as in the Kubernetes manifests.
        Path secret = dir.resolve("sasl-password");
        Files.writeString(secret, TRAINER_PASSWORD + "\n");
        Files.writeString(
                securityFile, "\n" + ClientSecurity.SASL_PASSWORD_FILE + "=" + secret, StandardOpenOption.APPEND);
        long admittedBefore = registry.admitted();
        Path run = dir.resolve("run");
        String prefix = topics.preferences()
                .name()
                .substring(0, topics.preferences().name().indexOf("fuseflow."));
        ModelStore store = new ModelStore(run.resolve("store"));
        try (Running serve = ServeCommand.start(
                "--fresh-model",
                "LLAMA_TINY",
                "--output",
                run.toString(),
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--schema-registry-url",
                registry.url(),
                "--security-config",
                securityFile.toString(),
                "--topic-prefix",
                prefix,
                "--group-id",
                GROUP,
                "--model-name",
                MODEL,
                "--micro-batch",
                "8",
                "--max-wait",
                "PT0.3S",
                "--sft-samples",
                "16",
                "--sft-lr",
                "3e-3",
                "--lr",
                "3e-3",
                "--beta",
                "0.1",
                "--max-length",
                "64",
                "--max-prompt-length",
                "48",
                "--eval-bucket",
                "20",
                "--eval-every",
                "3",
                "--metrics-port",
                "0")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (store.versions(MODEL).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(300);
            }
            assertMetricsEndpoint(serve.metricsPort());
        }
        assertThat(store.versions(MODEL))
                .as("versions published by the trainer's principal")
                .isNotEmpty();
        List<ModelVersion> announced = readVersionsAsAdmin();
        assertThat(announced)
                .as("version records on the secured model-versions topic")
                .isNotEmpty()
                .allSatisfy(
                        version -> assertThat(version.getModelName().toString()).isEqualTo(MODEL));
        assertThat(registry.admitted())
                .as("registry requests the trainer made with basic auth")
                .isGreaterThan(admittedBefore);
    }

    /** What serve's /metrics shows after a publication: its own gauges, build, JVM and Kafka clients. */
    private static void assertMetricsEndpoint(int port) throws Exception {
        String scraped = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(scraped)
                .contains(
                        "fuseflow_trainer_loss{stage=\"sft\"}",
                        "fuseflow_trainer_loss{stage=\"wrpo\"}",
                        "fuseflow_trainer_learning_rate{stage=",
                        "fuseflow_trainer_reward_margin{stage=\"wrpo\"}",
                        "fuseflow_trainer_stage{stage=\"sft\"}",
                        "fuseflow_trainer_freshness_seconds_bucket{le=",
                        "fuseflow_build_info{",
                        "service=\"trainer\",version=\"" + FuseFlowVersion.version() + "\"} 1",
                        "jvm_memory_used_bytes{area=\"heap\"",
                        "jvm_gc_memory_allocated_bytes_total",
                        "kafka_consumer_fetch_manager_records_consumed_total{",
                        "kafka_producer_record_send_total{")
                .doesNotContain("fuseflow_trainer_metric");
    }

    private static ClientSecurity trainerSecurity() {
        return new ClientSecurity(
                "SASL_SSL",
                "SCRAM-SHA-512",
                Optional.of(TRAINER),
                Optional.of(TRAINER_PASSWORD),
                Optional.of(tls.truststore()),
                Optional.of(PASSWORD),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private static ComponentAccess access() {
        return new ComponentAccess(topics, "fuseflow-preferences", GROUP, MODEL);
    }

    private static Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>(security.adminClientProperties());
        config.put("bootstrap.servers", broker.bootstrapServers());
        return config;
    }

    private static void produceSamplesAsAdmin(List<WrpoExample> examples) {
        Map<String, Object> config = adminConfig();
        config.putAll(Map.of(
                "schema.registry.url",
                registry.url(),
                RegistryClientConfig.CREDENTIALS_SOURCE,
                "USER_INFO",
                RegistryClientConfig.USER_INFO,
                REGISTRY_USER,
                RegistryClientConfig.TRUSTSTORE_LOCATION,
                tls.truststore().toString(),
                RegistryClientConfig.TRUSTSTORE_PASSWORD,
                PASSWORD));
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(config, false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config, new StringSerializer(), serializer)) {
            for (WrpoExample example : examples) {
                PreferenceSample sample = TrainerServiceTestSupport.sample(example);
                producer.send(new ProducerRecord<>(
                        topics.preferences().name(), sample.getPromptId().toString(), sample));
            }
            producer.flush();
        }
    }

    private static List<ModelVersion> readVersionsAsAdmin() {
        Map<String, Object> config = adminConfig();
        config.putAll(Map.of(
                "schema.registry.url",
                registry.url(),
                RegistryClientConfig.CREDENTIALS_SOURCE,
                "USER_INFO",
                RegistryClientConfig.USER_INFO,
                REGISTRY_USER,
                RegistryClientConfig.TRUSTSTORE_LOCATION,
                tls.truststore().toString(),
                RegistryClientConfig.TRUSTSTORE_PASSWORD,
                PASSWORD,
                ConsumerConfig.GROUP_ID_CONFIG,
                "admin-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                "specific.avro.reader",
                true));
        List<ModelVersion> versions = new ArrayList<>();
        try (KafkaConsumer<String, ModelVersion> consumer = TrainerServiceTestSupport.consumer(config)) {
            consumer.subscribe(List.of(topics.modelVersions().name()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (versions.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> versions.add(record.value()));
            }
        }
        return versions;
    }
}
