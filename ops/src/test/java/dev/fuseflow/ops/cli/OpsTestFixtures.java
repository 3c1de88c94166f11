package dev.fuseflow.ops.cli;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.avro.ArtifactKind;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.Assertions;

/** Topics, model versions and dead letters made for the ops tests, on the real broker and registry. */
public final class OpsTestFixtures {

    private OpsTestFixtures() {}

    public static FuseFlowTopics provision(EmbeddedStack stack, String prefix) throws Exception {
        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            new TopicProvisioner(admin).ensure(topics.all());
        }
        return topics;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static KafkaAvroSerializer<SpecificRecord> serializer(EmbeddedStack stack) {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        return serializer;
    }

    public static void writeVersions(EmbeddedStack stack, FuseFlowTopics topics, List<ModelVersion> versions)
            throws Exception {
        KafkaAvroSerializer<SpecificRecord> serializer = serializer(stack);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (ModelVersion v : versions) {
                producer.send(new ProducerRecord<>(
                                topics.modelVersions().name(),
                                "target",
                                serializer.serialize(topics.modelVersions().name(), v)))
                        .get();
            }
        }
    }

    public static ModelVersion version(
            long number, ModelVersionStatus status, List<String> reasons, double taskReward) {
        return ModelVersion.newBuilder()
                .setArtifactKind(ArtifactKind.FULL_MODEL)
                .setModelName("target")
                .setVersion(number)
                .setParentVersion(number == 1 ? null : 1L)
                .setArtifactUri(status == ModelVersionStatus.PUBLISHED ? "file:///store/target/v" + number : "")
                .setArtifactSha256("")
                .setTrainerStep(number * 10)
                .setSamplesTrained(number * 100)
                .setConsumedOffsets(List.of())
                .setEvalMetrics(Map.of("eval/task_reward", taskReward))
                .setStatus(status)
                .setStatusReasons(List.copyOf(reasons))
                .setCreatedAt(Instant.now())
                .build();
    }

    public static DeadLetter letter(FuseFlowTopics topics, byte[] original, DeadLetterReason reason, String stage) {
        return DeadLetter.newBuilder()
                .setOriginalKey(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(original))
                .setSourceTopic(topics.generations().name())
                .setSourcePartition(0)
                .setSourceOffset(7L)
                .setStage(stage)
                .setReason(reason)
                .setMessage("test: " + reason)
                .setFailedAt(Instant.now())
                .build();
    }

    public static void writeDeadLetter(EmbeddedStack stack, FuseFlowTopics topics, DeadLetter letter) throws Exception {
        KafkaAvroSerializer<SpecificRecord> serializer = serializer(stack);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            String topic = topics.deadLetters().name();
            producer.send(new ProducerRecord<>(topic, serializer.serialize(topic, letter)))
                    .get();
        }
    }

    /** Runs an ops command as its main would, asserting exit 0; returns what it printed. */
    public static String ops(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OpsCommand.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        Assertions.assertThat(exit).as("exit code; stderr: %s", err).isZero();
        return out.toString();
    }
}
