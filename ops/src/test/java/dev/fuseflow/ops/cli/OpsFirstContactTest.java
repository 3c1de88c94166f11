package dev.fuseflow.ops.cli;

import static dev.fuseflow.ops.cli.OpsTestFixtures.ops;
import static dev.fuseflow.ops.cli.OpsTestFixtures.provision;
import static dev.fuseflow.ops.cli.OpsTestFixtures.version;
import static dev.fuseflow.ops.cli.OpsTestFixtures.writeVersions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.ops.lag.LagProbe;
import dev.fuseflow.ops.lag.PartitionLag;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What an operator meets first with {@code fuseflow-ops status}: its answer on stdout, the registry URL, the lag. */
@WithEmbeddedStack
class OpsFirstContactTest {

    @Test
    void statusPrintsItsTableAloneOnStdoutAndLogsNothingBelowWarn(EmbeddedStack stack) throws Exception {
        String prefix = "first-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        provision(stack, prefix);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        OpsCommand.class.getName(),
                        "status",
                        "--bootstrap-servers",
                        stack.bootstrapServers(),
                        "--schema-registry-url",
                        stack.schemaRegistryUrl(),
                        "--topic-prefix",
                        prefix,
                        "--group-prefix",
                        prefix,
                        "--trend-window",
                        "100ms")
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as("exit; stderr: %s", err).isZero();
        assertThat(out).startsWith("FuseFlow status at ").doesNotContain("INFO", "DEBUG");
        assertThat(out.lines().count()).as(out).isLessThan(30);
        assertThat(err).doesNotContain(" INFO ", " DEBUG ");
    }

    @Test
    void aRegistryUrlWithoutApicuriosApiPathStillShowsTheModelVersions(EmbeddedStack stack) throws Exception {
        String prefix = "root-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FuseFlowTopics topics = provision(stack, prefix);
        writeVersions(stack, topics, List.of(version(1, ModelVersionStatus.PUBLISHED, List.of(), 0.41)));
        String root = stack.schemaRegistryUrl().replace(RegistryApi.APICURIO_PATH, "");
        assertThat(root).isNotEqualTo(stack.schemaRegistryUrl());

        String table = ops(
                "status",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                root,
                "--topic-prefix",
                prefix,
                "--trend-window",
                "100ms");

        assertThat(table).contains("model target: serving v1");
    }

    @Test
    void aRegistryUrlThatAnswersNoConfluentApiIsAnErrorNamingTheUrlAndThePath(EmbeddedStack stack) throws IOException {
        String nowhere = stack.schemaRegistryUrl().replace(RegistryApi.APICURIO_PATH, "/nothing-here");
        StringWriter err = new StringWriter();

        int exit = OpsCommand.commandLine()
                .setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err))
                .execute(
                        "status",
                        "--bootstrap-servers",
                        stack.bootstrapServers(),
                        "--schema-registry-url",
                        nowhere,
                        "--trend-window",
                        "100ms");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .contains(
                        "The schema registry URL " + nowhere,
                        "GET " + nowhere + "/subjects failed",
                        RegistryApi.APICURIO_PATH);
    }

    @Test
    void aLagOfOnlyATransactionMarkerIsZeroSecondsLate(EmbeddedStack stack) throws Exception {
        String topic = "marker-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Map.of(
                            "bootstrap.servers",
                            stack.bootstrapServers(),
                            "transactional.id",
                            "marker-" + UUID.randomUUID()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, 0, "k", new byte[] {1}));
                producer.commitTransaction();
            }
            String group = "marker-group-" + UUID.randomUUID();
            // What an exactly-once consumer commits after its one record: the offset of the commit marker.
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)))
                    .all()
                    .get();

            try (LagProbe probe = new LagProbe(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                PartitionLag lag = probe.lag(List.of(group)).get(0);

                assertThat(lag.end()).isEqualTo(2);
                assertThat(lag.lagRecords()).isEqualTo(1);
                assertThat(lag.lagSeconds()).isZero();
            }
        }
    }
}
