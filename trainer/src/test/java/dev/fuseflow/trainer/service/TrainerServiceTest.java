package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.avro.Evidence;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.avro.SourceResponse;
import dev.fuseflow.schemas.avro.TargetResponse;
import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.topics.TopicProvisioner;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.TrainingCheckpoint;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.train.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming trainer on the real broker: SFT then WRPO from the topic, stopped and restarted, every sample trained once. */
@WithEmbeddedStack
class TrainerServiceTest {

    private static final int SAMPLES = 72;

    @TempDir
    Path dir;

    static PreferenceSample sample(WrpoExample e) {
        return PreferenceSample.newBuilder().setSampleId(e.sampleId()).setPromptId("prompt-" + e.sampleId()).setPrompt(e.prompt())
                .setSourceChosen(new SourceResponse("g-s-" + e.sampleId(), e.sourceChosen(), "big", 0.9))
                .setTargetChosen(new TargetResponse("g-t-" + e.sampleId(), e.targetChosen(), 1L, 0.7))
                .setTargetRejected(new TargetResponse("g-r-" + e.sampleId(), e.rejected(), 1L, 0.1))
                .setWeight(1.0).setEvidence(Evidence.newBuilder().setSignalCount(3).setDistinctGivers(2).setAgreement(1.0).setRewardGap(0.6)
                        .setFeedbackEventIds(List.of("f-" + e.sampleId())).setScoringPolicy("test@1").build())
                .setCreatedAt(Instant.now()).build();
    }

    private static KafkaConsumer<String, PreferenceSample> consumer(EmbeddedStack stack, String group) {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", "schema.registry.url", stack.schemaRegistryUrl(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER, true));
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(config, false);
        @SuppressWarnings({"unchecked", "rawtypes"})
        KafkaConsumer<String, PreferenceSample> consumer = new KafkaConsumer(config, new StringDeserializer(), values);
        return consumer;
    }

    @Test
    void trainsSftThenWrpoFromTheTopicAndEverySampleExactlyOnceAcrossARestart(EmbeddedStack stack) throws Exception {
        String prefix = "svc-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            new TopicProvisioner(admin).ensure(List.of(topics.preferences()));
        }
        List<WrpoExample> examples = ShoutTask.samples(SAMPLES, 9);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                "schema.registry.url", stack.schemaRegistryUrl());
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(producerConfig, false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), serializer)) {
            for (WrpoExample e : examples) {
                PreferenceSample s = sample(e);
                producer.send(new ProducerRecord<>(topics.preferences().name(), s.getPromptId(), s)).get();
            }
        }
        Path model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
        TrainerService.Settings settings = new TrainerService.Settings(model, dir.resolve("run"), topics.preferences().name(), 8,
                Duration.ofMillis(500), 16, 3e-3, 3e-3, 100, 0.1, 0.1, 5, new SequenceBudget(64, 48), 2, 100, Precision.FP32);
        String group = "trainer-" + prefix;

        long first;
        try (TrainerService service = new TrainerService(settings, consumer(stack, group))) {
            first = service.run(5, Duration.ofSeconds(30));
        }
        long second;
        try (TrainerService service = new TrainerService(settings, consumer(stack, group))) {
            second = service.run(Long.MAX_VALUE, Duration.ofSeconds(5));
        }
        assertThat(first).isEqualTo(5);
        assertThat(first + second).as("72 samples in micro-batches of at most 8").isGreaterThanOrEqualTo(SAMPLES / 8);

        // The audit: along the lineage of the newest checkpoint, every produced sample id once.
        List<String> trained = CheckpointLineage.trainedSampleIds(dir.resolve("run/checkpoints"));
        ServiceState newest = TrainingCheckpoint.state(CheckpointStore.complete(dir.resolve("run/checkpoints")).get(
                CheckpointStore.complete(dir.resolve("run/checkpoints")).size() - 1), ServiceState.class);
        assertThat(trained).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(examples.stream().map(WrpoExample::sampleId).toList());
        assertThat(newest.stage()).isEqualTo(ServiceState.WRPO);
        assertThat(newest.sftSamples()).isGreaterThanOrEqualTo(16).isLessThan(16 + 8);
        assertThat(dir.resolve("run").resolve(TrainerService.REFERENCE).resolve("model.safetensors")).isRegularFile();
        assertThat(newest.offsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(SAMPLES);
        try (var folders = Files.list(dir.resolve("run/checkpoints"))) {
            assertThat(folders.count()).isGreaterThan(2);
        }
    }
}
