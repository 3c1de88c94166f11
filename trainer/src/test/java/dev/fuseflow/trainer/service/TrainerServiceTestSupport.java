package dev.fuseflow.trainer.service;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.avro.Evidence;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.avro.SourceResponse;
import dev.fuseflow.schemas.avro.TargetResponse;
import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.Precision;
import dev.fuseflow.trainer.training.LearningRate;
import dev.fuseflow.trainer.training.Objective;
import dev.fuseflow.trainer.training.Optimization;
import dev.fuseflow.trainer.training.PreferenceObjective;
import dev.fuseflow.trainer.training.TrainingRecipe;
import dev.fuseflow.trainer.training.TrainingSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Fixtures of the trainer service's broker tests: topics, samples on the preferences topic, the trainer's consumer. */
public final class TrainerServiceTestSupport {

    private TrainerServiceTestSupport() {}

    /**
     * The service as the broker tests run it: the tiny Llama's budget, micro-batches of 8 waited for
     * 500 ms, rates of 3e-3, beta and alpha 0.1, WRPO's schedule over 100 updates, FP32.
     */
    public static TrainerService.Settings settings(
            Path model,
            Path run,
            FuseFlowTopics topics,
            long sftSamples,
            long alphaRamp,
            int checkpointEvery,
            int keepCheckpoints) {
        return settings(
                model, run, topics.preferences().name(), sftSamples, alphaRamp, checkpointEvery, keepCheckpoints, 0);
    }

    /** As above on a topic of that name, SFT skipping a (prompt, y_ws) pair seen among the last {@code sftDedupeWindow}. */
    public static TrainerService.Settings settings(
            Path model,
            Path run,
            String topic,
            long sftSamples,
            long alphaRamp,
            int checkpointEvery,
            int keepCheckpoints,
            int sftDedupeWindow) {
        LearningRate rate = new LearningRate(3e-3, 0.1, 0.1);
        TrainingRecipe recipe = new TrainingRecipe(
                rate,
                rate,
                new Optimization(0.0, 1.0, 1, Precision.FP32),
                new PreferenceObjective(Objective.WRPO, 0.1, 0.1, alphaRamp),
                8,
                sftDedupeWindow,
                checkpointEvery,
                Optional.empty());
        TrainingSetup setup = new TrainingSetup(
                model, run, ComputeDevice.AUTO, new SequenceBudget(64, 48), recipe, keepCheckpoints, false);
        return new TrainerService.Settings(setup, sftSamples, 100, topic, Duration.ofMillis(500));
    }

    /** {@code settings} with another preference objective (SFT: no preference stage). */
    public static TrainerService.Settings withObjective(TrainerService.Settings settings, Objective objective) {
        TrainingSetup setup = settings.training();
        TrainingRecipe recipe = setup.recipe();
        PreferenceObjective preference = recipe.preference();
        TrainingRecipe changed = new TrainingRecipe(
                recipe.sftRate(),
                recipe.rate(),
                recipe.optimization(),
                new PreferenceObjective(objective, preference.beta(), preference.alphaFinal(), preference.alphaRamp()),
                recipe.microBatch(),
                recipe.sftDedupeWindow(),
                recipe.checkpointEvery(),
                recipe.lora());
        return new TrainerService.Settings(
                new TrainingSetup(
                        setup.model(),
                        setup.output(),
                        setup.device(),
                        setup.budget(),
                        changed,
                        setup.keepCheckpoints(),
                        setup.mergedLoraVersions()),
                settings.sftSamples(),
                settings.scheduleUpdates(),
                settings.topic(),
                settings.maxWait());
    }

    /** A PreferenceSample carrying a demo example, as the stream processors would emit it. */
    public static PreferenceSample sample(WrpoExample e) {
        return PreferenceSample.newBuilder()
                .setSampleId(e.sampleId())
                .setPromptId(e.promptId())
                .setPrompt(e.prompt())
                .setSourceChosen(new SourceResponse("g-s-" + e.sampleId(), e.sourceChosen(), "big", 0.9))
                .setTargetChosen(new TargetResponse("g-t-" + e.sampleId(), e.targetChosen(), 1L, 0.7))
                .setTargetRejected(new TargetResponse("g-r-" + e.sampleId(), e.rejected(), 1L, 0.1))
                .setWeight(1.0)
                .setEvidence(Evidence.newBuilder()
                        .setSignalCount(3)
                        .setDistinctGivers(2)
                        .setAgreement(1.0)
                        .setRewardGap(0.6)
                        .setFeedbackEventIds(List.of("f-" + e.sampleId()))
                        .setScoringPolicy("test@1")
                        .build())
                .setCreatedAt(Instant.now())
                .build();
    }

    /** FuseFlow's topics under a fresh prefix made from {@code stem}, with preferences and model versions created. */
    public static FuseFlowTopics provision(EmbeddedStack stack, String stem) throws Exception {
        return provision(stack.bootstrapServers(), stem);
    }

    /** As {@link #provision(EmbeddedStack, String)}, on a broker of its own. */
    public static FuseFlowTopics provision(String bootstrapServers, String stem) throws Exception {
        String prefix = stem + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            new TopicProvisioner(admin)
                    .ensure(List.of(topics.preferences(), topics.modelVersions(), topics.deadLetters()));
        }
        return topics;
    }

    /** The topics' common prefix, as {@code --topic-prefix} takes it. */
    public static String prefix(FuseFlowTopics topics) {
        String name = topics.preferences().name();
        return name.substring(
                0,
                name.length() - FuseFlowTopics.defaults().preferences().name().length());
    }

    /** The examples as PreferenceSamples on the topic, keyed by prompt id, all acknowledged on return. */
    public static void produce(EmbeddedStack stack, String topic, List<WrpoExample> examples) {
        produce(stack.bootstrapServers(), stack.schemaRegistryUrl(), topic, examples);
    }

    /** As {@link #produce(EmbeddedStack, String, List)}, on a broker of its own. */
    public static void produce(String bootstrapServers, String registryUrl, String topic, List<WrpoExample> examples) {
        Map<String, Object> config =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, "schema.registry.url", registryUrl);
        KafkaAvroSerializer serializer = new KafkaAvroSerializer();
        serializer.configure(config, false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config, new StringSerializer(), serializer)) {
            for (WrpoExample e : examples) {
                PreferenceSample s = sample(e);
                producer.send(new ProducerRecord<>(topic, s.getPromptId(), s));
            }
            producer.flush();
        }
    }

    /** The settings of the trainer's consumer (read_committed, no auto-commit, specific Avro). */
    public static Map<String, Object> consumerConfig(EmbeddedStack stack, String group) {
        return consumerConfig(stack.bootstrapServers(), stack.schemaRegistryUrl(), group);
    }

    public static Map<String, Object> consumerConfig(String bootstrapServers, String registryUrl, String group) {
        return new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                "schema.registry.url",
                registryUrl,
                AvroSerdeConfig.SPECIFIC_AVRO_READER,
                true));
    }

    /** The trainer's intake of a group on the topics' dead-letter topic. */
    public static SampleIntake intake(EmbeddedStack stack, String group, FuseFlowTopics topics) {
        return SampleIntake.kafka(
                consumerConfig(stack, group), topics.deadLetters().name());
    }

    /**
     * Every committed record of a topic, from the start: polls until at least {@code atLeast} arrived
     * and then 2 s passed without more (at most 15 s in all).
     */
    public static <T> List<T> readAll(EmbeddedStack stack, String topic, int atLeast) {
        Map<String, Object> config = consumerConfig(stack, "reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<T> records = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = consumer(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + 15_000_000_000L;
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                var polled = consumer.poll(Duration.ofMillis(200));
                polled.forEach(r -> records.add(r.value()));
                if (!polled.isEmpty()) {
                    quietSince = System.nanoTime();
                } else if (records.size() >= atLeast && System.nanoTime() - quietSince > 2_000_000_000L) {
                    break;
                }
            }
        }
        return records;
    }

    /** A consumer of Avro records of type {@code T} with these settings. */
    public static <T> KafkaConsumer<String, T> consumer(Map<String, Object> config) {
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(config, false);
        @SuppressWarnings({"unchecked", "rawtypes"})
        KafkaConsumer<String, T> consumer = new KafkaConsumer(config, new StringDeserializer(), values);
        return consumer;
    }
}
