package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.avro.ArtifactKind;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.audit.CheckpointLineage;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.lora.AdaptedModels;
import dev.fuseflow.trainer.lora.LoraSettings;
import dev.fuseflow.trainer.lora.PeftAdapter;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.publish.EvalBucket;
import dev.fuseflow.trainer.publish.EvalGate;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.publish.VersionPublisher;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.TrainingRecipe;
import dev.fuseflow.trainer.training.TrainingSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The eval bucket, the gate and publication in the streaming trainer, on the real broker. */
@WithEmbeddedStack
class PublicationTest {

    private static final int SAMPLES = 160;

    @TempDir
    Path dir;

    @Test
    void heldOutSamplesNeverTrainAndCandidatesArePublishedOrRejectedAsRecordsWithVerifiableArtifacts(
            EmbeddedStack stack) throws Exception {
        Published run = publish(stack, "pub", settings -> settings);

        List<String> trained = CheckpointLineage.trainedSampleIds(dir.resolve("run/checkpoints"));
        assertThat(trained)
                .doesNotContainAnyElementsOf(run.heldOut())
                .doesNotHaveDuplicates()
                .hasSize(SAMPLES - run.heldOut().size());
        assertVersions(run.versions(), run.store());
        assertThat(run.versions()).allSatisfy(v -> {
            assertThat(v.getArtifactKind()).isEqualTo(ArtifactKind.FULL_MODEL);
            assertThat(v.getBaseModel()).isNull();
        });
    }

    @Test
    void aLoraRunPublishesAdaptersOfTheStartingModelThatLoadOntoItAndTheirMergedModels(EmbeddedStack stack)
            throws Exception {
        LoraSettings lora = new LoraSettings(4, 8, 0, List.of(LoraSettings.ALL_LINEAR), false);
        Published run = publish(stack, "publora", settings -> withLora(settings, lora, true));

        assertVersions(run.versions(), run.store());
        String base = dir.resolve("start").toAbsolutePath().normalize().toString();
        for (ModelVersion v : run.versions()) {
            assertThat(v.getArtifactKind()).isEqualTo(ArtifactKind.LORA_ADAPTER);
            assertThat(v.getBaseModel().toString()).isEqualTo(base);
        }
        List<ModelStore.Stored> stored = run.store().versions("shout-target");
        assertThat(stored).isNotEmpty();
        for (ModelStore.Stored version : stored) {
            assertThat(version.folder().resolve(PeftAdapter.CONFIG_FILE)).isRegularFile();
            assertThat(version.folder().resolve("model.safetensors")).doesNotExist();
            // The merged copy is the model the adapter stands for: the same logits, and hashed in the manifest.
            assertThat(version.manifest().files()).containsKeys("merged/model.safetensors", "merged/config.json");
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                CausalLanguageModel adapted = AdaptedModels.load(version.folder(), manager, DataType.FLOAT32);
                CausalLanguageModel merged =
                        ModelDirectory.load(version.folder().resolve("merged"), manager, DataType.FLOAT32);
                float[] viaAdapter = logits(adapted, manager);
                float[] viaMerged = logits(merged, manager);
                assertThat(viaMerged).hasSameSizeAs(viaAdapter);
                for (int i = 0; i < viaAdapter.length; i++) {
                    assertThat(viaMerged[i]).as("logit %d", i).isCloseTo(viaAdapter[i], within(1e-4f));
                }
            }
        }
        assertThat(ModelStore.verify(stored.get(stored.size() - 1))).isEmpty();
        // After SFT a version stacks the preference adapter on the SFT adapter: twice the rank.
        assertThat(PeftAdapter.read(stored.get(stored.size() - 1).folder())
                        .settings()
                        .rank())
                .isEqualTo(8);
    }

    /** The model's logits for a few tokens, flattened. */
    private static float[] logits(CausalLanguageModel model, NDManager manager) {
        NDArray tokens = manager.create(new long[] {5, 17, 42, 9, 77}, new Shape(1, 5));
        NDArray mask = manager.ones(new Shape(1, 5), DataType.INT64);
        return model.forward(new ParameterStore(manager, false), new NDList(tokens, mask), false)
                .singletonOrThrow()
                .toFloatArray();
    }

    private static TrainerService.Settings withLora(
            TrainerService.Settings settings, LoraSettings lora, boolean merged) {
        TrainingSetup s = settings.training();
        TrainingRecipe r = s.recipe();
        TrainingRecipe adapted = new TrainingRecipe(
                r.sftRate(),
                r.rate(),
                r.optimization(),
                r.preference(),
                r.microBatch(),
                r.sftDedupeWindow(),
                r.checkpointEvery(),
                Optional.of(lora));
        return new TrainerService.Settings(
                new TrainingSetup(s.model(), s.output(), s.device(), s.budget(), adapted, s.keepCheckpoints(), merged),
                settings.sftSamples(),
                settings.scheduleUpdates(),
                settings.topic(),
                settings.maxWait());
    }

    /** What a run of the service with publication left behind. */
    private record Published(List<ModelVersion> versions, ModelStore store, List<String> heldOut) {}

    private Published publish(EmbeddedStack stack, String name, UnaryOperator<TrainerService.Settings> adapt)
            throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, name);
        String prefix = TrainerServiceTestSupport.prefix(topics);
        List<WrpoExample> examples = ShoutTask.samples(SAMPLES, 21);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), examples);
        Map<String, Object> producerConfig = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(),
                "schema.registry.url",
                stack.schemaRegistryUrl()));
        Path model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
        TrainerService.Settings settings =
                adapt.apply(TrainerServiceTestSupport.settings(model, dir.resolve("run"), topics, 24, 4, 4, 1000));
        EvalBucket bucket = new EvalBucket(20);
        ModelStore store = new ModelStore(dir.resolve("store"));
        Map<String, Object> versionsConfig = new HashMap<>(producerConfig);
        versionsConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "trainer-versions-" + prefix);
        KafkaAvroSerializer versionSerializer = new KafkaAvroSerializer();
        versionSerializer.configure(versionsConfig, false);
        @SuppressWarnings({"unchecked", "rawtypes"})
        KafkaProducer<String, ModelVersion> versionProducer =
                new KafkaProducer(versionsConfig, new StringSerializer(), versionSerializer);
        Publication publication = GatedPublication.open(
                new GatedPublication.Settings("shout-target", bucket, 64, 4, Duration.ZERO, 0.1, 0.1),
                new EvalGate(List.of("eval/rewards/accuracies", "eval/loss"), List.of("eval/loss"), 0.05),
                store,
                new VersionPublisher(versionProducer, topics.modelVersions().name()));
        Map<String, Object> consumerConfig = TrainerServiceTestSupport.consumerConfig(stack, "trainer-" + prefix);
        try (TrainerService service = TrainerService.open(
                settings,
                SampleIntake.kafka(consumerConfig, topics.deadLetters().name()),
                publication)) {
            service.run(Long.MAX_VALUE, Duration.ofSeconds(5));
        }
        versionProducer.close();

        List<String> heldOut = examples.stream()
                .map(WrpoExample::sampleId)
                .filter(bucket::heldOut)
                .toList();
        assertThat(heldOut).isNotEmpty();
        return new Published(
                TrainerServiceTestSupport.readAll(stack, topics.modelVersions().name(), 1), store, heldOut);
    }

    private static void assertVersions(List<ModelVersion> versions, ModelStore store) throws Exception {
        assertThat(versions).isNotEmpty();
        assertThat(versions)
                .as("the run goes past SFT, so later candidates are scored against the reference")
                .anyMatch(v -> v.getEvalMetrics().get(GatedPublication.STAGE_METRIC) == 1.0);
        assertThat(versions.get(0).getStatus())
                .as("the first candidate has nothing to be worse than")
                .isEqualTo(ModelVersionStatus.PUBLISHED);
        for (int i = 0; i < versions.size(); i++) {
            ModelVersion v = versions.get(i);
            assertThat(v.getVersion()).isEqualTo(i + 1L);
            assertThat(v.getEvalMetrics()).containsKeys("eval/rewards/accuracies", GatedPublication.STAGE_METRIC);
            boolean againstReference = v.getEvalMetrics().get(GatedPublication.STAGE_METRIC) == 1.0;
            assertThat(v.getEvalMetrics().containsKey("eval/loss"))
                    .as("eval/loss is defined exactly when a reference scored version %d", v.getVersion())
                    .isEqualTo(againstReference);
            if (v.getStatus() == ModelVersionStatus.PUBLISHED) {
                ModelStore.Stored stored = store.versions("shout-target").stream()
                        .filter(s -> s.manifest().version() == v.getVersion())
                        .findFirst()
                        .orElseThrow();
                assertThat(v.getArtifactSha256()).isEqualTo(stored.manifestSha256());
                assertThat(ModelStore.verify(stored)).isEmpty();
            } else {
                assertThat(v.getStatus()).isEqualTo(ModelVersionStatus.REJECTED);
                assertThat(v.getStatusReasons()).isNotEmpty();
            }
        }
    }
}
