package dev.fuseflow.ops.cli;

import static dev.fuseflow.ops.cli.OpsTestFixtures.letter;
import static dev.fuseflow.ops.cli.OpsTestFixtures.ops;
import static dev.fuseflow.ops.cli.OpsTestFixtures.provision;
import static dev.fuseflow.ops.cli.OpsTestFixtures.serializer;
import static dev.fuseflow.ops.cli.OpsTestFixtures.version;
import static dev.fuseflow.ops.cli.OpsTestFixtures.writeVersions;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ops commands against a real broker and registry, on topics and groups made for the test. */
@WithEmbeddedStack
class OpsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void statusShowsLagInRecordsAndSecondsAndTheServedVersionWithTheLastRejectionsReasons(EmbeddedStack stack)
            throws Exception {
        String prefix = "ops-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FuseFlowTopics topics = provision(stack, prefix);
        String topic = topics.generations().name();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, System.currentTimeMillis() - 60_000, "k", new byte[] {1}))
                        .get();
                producer.send(new ProducerRecord<>(topic, 1, null, "k", new byte[] {1}))
                        .get();
            }
        }
        String group = "fuseflow-opstest-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets(
                            group,
                            Map.of(
                                    new TopicPartition(topic, 0),
                                    new OffsetAndMetadata(4),
                                    new TopicPartition(topic, 1),
                                    new OffsetAndMetadata(10)))
                    .all()
                    .get();
        }
        writeVersions(
                stack,
                topics,
                List.of(
                        version(1, ModelVersionStatus.PUBLISHED, List.of(), 0.41),
                        version(
                                2,
                                ModelVersionStatus.REJECTED,
                                List.of("eval/task_reward 0.300000 is worse than the published 0.410000"),
                                0.30),
                        version(
                                3,
                                ModelVersionStatus.REJECTED,
                                List.of("eval/loss is NaN: every gated metric must be finite"),
                                Double.NaN)));

        JsonNode status = JSON.readTree(ops(
                "status",
                "--json",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
                "--topic-prefix",
                prefix,
                "--group-prefix",
                group,
                "--trend-window",
                "PT1S"));
        JsonNode lag = status.get("lag");
        assertThat(lag).hasSize(2);
        assertThat(lag.get(0).get("lagRecords").asLong()).isEqualTo(6);
        assertThat(lag.get(0).get("lagSeconds").asDouble())
                .as("oldest unconsumed record is a minute old")
                .isBetween(55.0, 600.0);
        assertThat(lag.get(1).get("lagRecords").asLong()).isZero();
        assertThat(lag.get(1).get("lagSeconds").asDouble())
                .as("caught up: not late, however idle")
                .isZero();
        assertThat(lag.get(0).get("trendPerMinute").asDouble()).isZero();
        JsonNode model = status.get("models").get(0);
        assertThat(model.get("model").asText()).isEqualTo("target");
        assertThat(model.get("current").get("version").asLong()).isEqualTo(1);
        assertThat(model.get("lastRejections")).hasSize(2);
        assertThat(model.get("lastRejections").get(1).get("reasons").get(0).asText())
                .contains("eval/loss is NaN");

        String table = ops(
                "status",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
                "--topic-prefix",
                prefix,
                "--group-prefix",
                group,
                "--trend-window",
                "PT0.5S");
        assertThat(table)
                .contains(
                        group,
                        "model target: serving v1",
                        "2 candidate(s) rejected since the last publication",
                        "rejected v3",
                        "worse than the published 0.410000",
                        "steady");
        String watched = ops(
                "watch",
                "--count",
                "2",
                "--interval",
                "PT0.2S",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
                "--topic-prefix",
                prefix,
                "--group-prefix",
                group);
        assertThat(watched).contains("refresh 2", "serving v1");
    }

    @Test
    void dlqSummarisesByStageAndReasonAndDecodesOriginalsWherePossible(EmbeddedStack stack) throws Exception {
        String prefix = "opsdlq-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FuseFlowTopics topics = provision(stack, prefix);
        KafkaAvroSerializer<SpecificRecord> serializer = serializer(stack);
        GenerationEvent generation = FeedbackClient.generation(
                "p1", List.of(FeedbackClient.user("sort: 321")), "123", FeedbackClient.source("s"));
        byte[] avroOriginal = serializer.serialize(topics.generations().name(), generation);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (DeadLetter letter : List.of(
                    letter(topics, avroOriginal, DeadLetterReason.LATE, "stream-processors/aggregate"),
                    letter(
                            topics,
                            "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8),
                            DeadLetterReason.DESERIALIZATION_FAILED,
                            "stream-processors/deserialize"),
                    letter(
                            topics,
                            new byte[] {(byte) 0xFF, 0x00, 0x01},
                            DeadLetterReason.DESERIALIZATION_FAILED,
                            "stream-processors/deserialize"))) {
                producer.send(new ProducerRecord<>(
                                topics.deadLetters().name(),
                                serializer.serialize(topics.deadLetters().name(), letter)))
                        .get();
            }
        }
        Path export = dir.resolve("dlq.jsonl");
        JsonNode report = JSON.readTree(ops(
                        "dlq",
                        "--json",
                        "--print",
                        "3",
                        "--export",
                        export.toString(),
                        "--bootstrap-servers",
                        stack.bootstrapServers(),
                        "--schema-registry-url",
                        stack.schemaRegistryUrl(),
                        "--topic-prefix",
                        prefix)
                .lines()
                .filter(line -> line.startsWith("{"))
                .findFirst()
                .orElseThrow());
        assertThat(report.get("total").asInt()).isEqualTo(3);
        assertThat(report.get("byStageAndReason")
                        .get("stream-processors/deserialize DESERIALIZATION_FAILED")
                        .asInt())
                .isEqualTo(2);
        assertThat(report.get("byStageAndReason")
                        .get("stream-processors/aggregate LATE")
                        .asInt())
                .isEqualTo(1);
        assertThat(report.get("newest")).hasSize(3);
        List<String> encodings = report.get("newest").findValuesAsText("originalValueEncoding");
        assertThat(encodings).containsExactlyInAnyOrder("avro-json", "utf-8", "base64");
        assertThat(report.toString()).contains("sort: 321");
        assertThat(Files.readAllLines(export)).hasSize(3);
    }
}
