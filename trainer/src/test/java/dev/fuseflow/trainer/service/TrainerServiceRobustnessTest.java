package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.audit.CheckpointLineage;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.publish.EvalBucket;
import dev.fuseflow.trainer.publish.EvalGate;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.publish.VersionPublisher;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.RunStateCodec;
import dev.fuseflow.trainer.training.Stage;
import dev.fuseflow.trainer.training.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer service against bad input and bad state, on the real broker (issue 6, item 4). */
@WithEmbeddedStack
class TrainerServiceRobustnessTest {

    @TempDir
    Path dir;

    @Test
    void poisonedRecordsGoToTheDeadLetterTopicWithTheirBytesAndEveryGoodSampleTrainsExactlyOnce(EmbeddedStack stack)
            throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "poison");
        List<WrpoExample> good = ShoutTask.samples(40, 4);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), good.subList(0, 20));
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        byte[] nanWeight =
                serialized(stack, topics, withWeight(ShoutTask.samples(1, 99).get(0), Double.NaN));
        byte[] invalidUtf8 = invalidUtf8Response(serialized(
                stack,
                topics,
                TrainerServiceTestSupport.sample(new WrpoExample(
                        "utf", "utf", ShoutTask.samples(1, 98).get(0).prompt(), "QQQQQ!", "ABC!", "abc", 1.0))));
        List<byte[]> poisoned = List.of(garbage, nanWeight, invalidUtf8);
        produceRaw(stack, topics.preferences().name(), poisoned);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), good.subList(20, 40));

        trainUntilIdle(stack, topics, 3);

        assertThat(CheckpointLineage.trainedSampleIds(dir.resolve("run/checkpoints")))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        good.stream().map(WrpoExample::sampleId).toList());
        RunState newest = newestState();
        assertThat(newest.position().offsets().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .as("poisoned records are passed too")
                .isEqualTo(43);
        List<DeadLetter> letters = TrainerServiceTestSupport.<DeadLetter>readAll(
                stack, topics.deadLetters().name(), 3);
        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(
                        DeadLetterReason.DESERIALIZATION_FAILED,
                        DeadLetterReason.NON_FINITE_NUMBER,
                        DeadLetterReason.INVALID_VALUE);
        assertThat(letters)
                .allMatch(l -> l.getStage().equals(SampleIntake.STAGE)
                        && l.getSourceTopic().equals(topics.preferences().name()));
        for (DeadLetter letter : letters) {
            byte[] original = new byte[letter.getOriginalValue().remaining()];
            letter.getOriginalValue().get(original);
            assertThat(poisoned).anyMatch(bytes -> Arrays.equals(bytes, original));
        }
        assertThat(letters)
                .filteredOn(l -> l.getReason() == DeadLetterReason.NON_FINITE_NUMBER)
                .singleElement()
                .satisfies(l -> assertThat(l.getMessage()).contains("weight is NaN"));
        assertThat(letters)
                .filteredOn(l -> l.getReason() == DeadLetterReason.INVALID_VALUE)
                .singleElement()
                .satisfies(l -> assertThat(l.getMessage()).contains("sourceChosen.text has undecodable text"));
    }

    @Test
    void aToolTurnTrainsWhileAnUnknownRoleAndATombstoneAreDeadLetteredAndTrainingGoesOnPastThem(EmbeddedStack stack)
            throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "turns");
        List<WrpoExample> good = ShoutTask.samples(24, 6);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), good.subList(0, 12));
        WrpoExample answer = ShoutTask.samples(1, 97).get(0);
        WrpoExample toolTurn = new WrpoExample(
                "tool-turn",
                "tool-turn",
                List.of(
                        new ChatMessage(ChatRole.USER, "look it up"),
                        new ChatMessage(ChatRole.TOOL, "{\"found\": true}")),
                answer.sourceChosen(),
                answer.targetChosen(),
                answer.rejected(),
                1.0);
        WrpoExample unknownTurn = new WrpoExample(
                "unknown-turn",
                "unknown-turn",
                List.of(new ChatMessage(ChatRole.USER, "hi"), new ChatMessage(ChatRole.UNKNOWN, "a later role")),
                answer.sourceChosen(),
                answer.targetChosen(),
                answer.rejected(),
                1.0);
        produceRaw(
                stack,
                topics.preferences().name(),
                Arrays.asList(serialized(stack, topics, toolTurn), serialized(stack, topics, unknownTurn), null));
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), good.subList(12, 24));

        trainUntilIdle(stack, topics, 2);

        assertThat(CheckpointLineage.trainedSampleIds(dir.resolve("run/checkpoints")))
                .doesNotHaveDuplicates()
                .as("the tool turn renders and trains")
                .containsExactlyInAnyOrderElementsOf(
                        Stream.concat(good.stream().map(WrpoExample::sampleId), Stream.of(toolTurn.sampleId()))
                                .toList());
        assertThat(CheckpointLineage.coveredOffsets(dir.resolve("run/checkpoints")))
                .as("all three are passed")
                .isEqualTo(27);
        List<DeadLetter> letters = TrainerServiceTestSupport.<DeadLetter>readAll(
                stack, topics.deadLetters().name(), 2);
        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(DeadLetterReason.INVALID_VALUE, DeadLetterReason.MISSING_FIELD);
        assertThat(letters)
                .filteredOn(l -> l.getReason() == DeadLetterReason.INVALID_VALUE)
                .singleElement()
                .satisfies(l -> assertThat(l.getMessage()).contains("prompt[1].role is UNKNOWN"));
        assertThat(letters)
                .filteredOn(l -> l.getReason() == DeadLetterReason.MISSING_FIELD)
                .singleElement()
                .satisfies(l -> assertThat(l.getMessage()).contains("tombstone"));
    }

    @Test
    void aNonFiniteLossSkipsEveryUpdateKeepsTheLastGoodWeightsAndNoCandidateIsPublished(EmbeddedStack stack)
            throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "nan");
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), ShoutTask.samples(96, 5));
        Path model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
        TrainerService.Settings settings =
                TrainerServiceTestSupport.settings(model, dir.resolve("run"), topics, 16, 5, 2, 100);
        String group = "t-" + UUID.randomUUID();
        try (TrainerService service =
                TrainerService.open(settings, TrainerServiceTestSupport.intake(stack, group, topics))) {
            service.run(3, Duration.ofSeconds(30)); // SFT, then the switch to WRPO
        }
        assertThat(newestState().stage()).isEqualTo(Stage.PREFERENCE);
        // The fault: the frozen reference on disk now holds NaN, so every WRPO loss is NaN.
        poisonWithNaN(dir.resolve("run").resolve(TrainingLoop.REFERENCE), model);
        float[] before = weights(CheckpointStore.complete(dir.resolve("run/checkpoints"))
                .get(0)
                .getParent()
                .resolve(newestCheckpointName()));

        ModelStore store = new ModelStore(dir.resolve("store"));
        TrainerMetrics metrics = TrainerMetrics.inMemory();
        try (KafkaProducer<String, ModelVersion> producer = versionsProducer(stack);
                TrainerService service = TrainerService.open(
                        settings,
                        TrainerServiceTestSupport.intake(stack, group, topics),
                        GatedPublication.open(
                                new GatedPublication.Settings(
                                        "nan", new EvalBucket(20), 32, 2, Duration.ZERO, 0.1, 0.1),
                                new EvalGate(
                                        List.of("eval/rewards/accuracies", "eval/loss"), List.of("eval/loss"), 0.05),
                                store,
                                new VersionPublisher(
                                        producer, topics.modelVersions().name())),
                        metrics)) {
            service.run(Long.MAX_VALUE, Duration.ofSeconds(5));
        }

        double updates =
                metrics.registry().get("fuseflow_trainer_updates").counter().count();
        assertThat(updates).isGreaterThan(2);
        assertThat(metrics.registry()
                        .get("fuseflow_trainer_skipped_updates")
                        .counter()
                        .count())
                .isEqualTo(updates);
        assertThat(weights(dir.resolve("run/checkpoints").resolve(newestCheckpointName())))
                .as("the last good weights")
                .containsExactly(before);
        assertThat(store.versions("nan")).as("nothing published").isEmpty();
        List<ModelVersion> versions = TrainerServiceTestSupport.<ModelVersion>readAll(
                stack, topics.modelVersions().name(), 1);
        assertThat(versions).isNotEmpty().allSatisfy(v -> {
            assertThat(v.getStatus()).isEqualTo(ModelVersionStatus.REJECTED);
            assertThat(v.getStatusReasons()).anyMatch(reason -> reason.contains("every gated metric must be finite"));
        });
    }

    @Test
    void aBrokerOutageMidRunIsWaitedOutAndEverySampleStillTrainsExactlyOnce(EmbeddedStack stack) throws Exception {
        try (ChildProcessKafkaBroker broker =
                ChildProcessKafkaBroker.start(KafkaBrokerConfig.at(dir.resolve("broker")))) {
            FuseFlowTopics topics = TrainerServiceTestSupport.provision(broker.bootstrapServers(), "outage");
            List<WrpoExample> before = ShoutTask.samples(400, 6);
            List<WrpoExample> after = ShoutTask.samples(80, 7);
            TrainerServiceTestSupport.produce(
                    broker.bootstrapServers(),
                    stack.schemaRegistryUrl(),
                    topics.preferences().name(),
                    before);
            Path model = dir.resolve("start");
            FreshModel.LLAMA_TINY.write(model, 1);
            TrainerService.Settings settings =
                    TrainerServiceTestSupport.settings(model, dir.resolve("run"), topics, 16, 5, 2, 1000);
            Map<String, Object> consumer = TrainerServiceTestSupport.consumerConfig(
                    broker.bootstrapServers(), stack.schemaRegistryUrl(), "t-" + UUID.randomUUID());
            consumer.put(
                    ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000); // commits fail fast while the broker is away
            CompletableFuture<Long> run;
            try (TrainerService service = TrainerService.open(
                    settings, SampleIntake.kafka(consumer, topics.deadLetters().name()))) {
                run = CompletableFuture.supplyAsync(() -> {
                    try {
                        return service.run(Long.MAX_VALUE, Duration.ofSeconds(20));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> CheckpointStore.complete(dir.resolve("run/checkpoints"))
                                        .size()
                                >= 2);
                broker.kill();
                Thread.sleep(6_000); // training goes on from what was fetched
                broker.restart();
                TrainerServiceTestSupport.produce(
                        broker.bootstrapServers(),
                        stack.schemaRegistryUrl(),
                        topics.preferences().name(),
                        after);
                assertThat(run.get(120, TimeUnit.SECONDS)).isPositive();
            }
            List<String> produced =
                    new ArrayList<>(before.stream().map(WrpoExample::sampleId).toList());
            after.forEach(e -> produced.add(e.sampleId()));
            assertThat(CheckpointLineage.trainedSampleIds(dir.resolve("run/checkpoints")))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(produced);
        }
    }

    private RunState newestState() throws Exception {
        return RunStateCodec.read(dir.resolve("run/checkpoints").resolve(newestCheckpointName()));
    }

    private String newestCheckpointName() throws Exception {
        List<Path> complete = CheckpointStore.complete(dir.resolve("run/checkpoints"));
        return complete.get(complete.size() - 1).getFileName().toString();
    }

    private static float[] weights(Path folder) throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel loaded = ModelDirectory.load(folder, manager, DataType.FLOAT32);
            List<Float> all = new ArrayList<>();
            loaded.getParameters().values().forEach(p -> {
                for (float f : p.getArray().toFloatArray()) {
                    all.add(f);
                }
            });
            float[] flat = new float[all.size()];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = all.get(i);
            }
            return flat;
        }
    }

    private static void poisonWithNaN(Path modelFolder, Path tokenizerSource) throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel loaded = ModelDirectory.load(modelFolder, manager, DataType.FLOAT32);
            loaded.getParameters().values().forEach(p -> p.getArray().muli(Float.NaN));
            ModelDirectory.save(loaded, modelFolder, tokenizerSource);
        }
    }

    private static WrpoExample withWeight(WrpoExample e, double weight) {
        return new WrpoExample(
                e.sampleId(), e.sampleId(), e.prompt(), e.sourceChosen(), e.targetChosen(), e.rejected(), weight);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] serialized(EmbeddedStack stack, FuseFlowTopics topics, Object sampleOrExample) {
        PreferenceSample sample = sampleOrExample instanceof WrpoExample e
                ? TrainerServiceTestSupport.sample(e)
                : (PreferenceSample) sampleOrExample;
        if (sampleOrExample instanceof WrpoExample e) {
            sample.setWeight(e.weight());
        }
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        return ((KafkaAvroSerializer<SpecificRecord>) serializer)
                .serialize(topics.preferences().name(), sample);
    }

    /** The serialized sample with the bytes of its y_ws text "QQQQQ!" replaced by bytes that are not UTF-8. */
    private static byte[] invalidUtf8Response(byte[] serialized) {
        byte[] marker = "QQQQQ!".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + marker.length <= serialized.length; i++) {
            if (Arrays.equals(serialized, i, i + marker.length, marker, 0, marker.length)) {
                byte[] patched = serialized.clone();
                patched[i] = (byte) 0xFF;
                patched[i + 1] = (byte) 0xFE;
                return patched;
            }
        }
        throw new IllegalStateException("marker not found in the serialized sample");
    }

    private static void produceRaw(EmbeddedStack stack, String topic, List<byte[]> values) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, "poison", value));
            }
            producer.flush();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static KafkaProducer<String, ModelVersion> versionsProducer(EmbeddedStack stack) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(),
                "schema.registry.url",
                stack.schemaRegistryUrl(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "nan-" + UUID.randomUUID()));
        KafkaAvroSerializer values = new KafkaAvroSerializer();
        values.configure(config, false);
        return new KafkaProducer(config, new StringSerializer(), values);
    }

    /** A fresh tiny Llama trained on the topic until it has been idle for five seconds. */
    private void trainUntilIdle(EmbeddedStack stack, FuseFlowTopics topics, int checkpointEvery) throws Exception {
        Path model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
        TrainerService.Settings settings =
                TrainerServiceTestSupport.settings(model, dir.resolve("run"), topics, 8, 5, checkpointEvery, 100);
        try (TrainerService service = TrainerService.open(
                settings, TrainerServiceTestSupport.intake(stack, "t-" + UUID.randomUUID(), topics))) {
            service.run(Long.MAX_VALUE, Duration.ofSeconds(5));
        }
    }
}
