package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.trainer.audit.CheckpointLineage;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunStateCodec;
import dev.fuseflow.trainer.training.Stage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training core's read-ahead against a consumer whose rebalances and record arrivals are
 * scripted poll by poll (Kafka's MockConsumer): the micro-batch read while the current one trains
 * is prepared for the stage it will train in, and one read before a rebalance is never trained.
 */
class PrefetchAndRebalanceTest {

    private static final String TOPIC = "prefetch.preferences";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dir;

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final Map<String, PreferenceSample> samplesById = new HashMap<>();
    private Path model;

    @BeforeEach
    void startModel() throws Exception {
        model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
    }

    @Test
    void theMicroBatchReadDuringTheLastSftUpdateTrainsUnderWrpoRulesNotSftDeduplication() throws Exception {
        List<WrpoExample> first = ShoutTask.samples(8, 3);
        // The same prompts and y_ws again, with other target answers: SFT's deduplication would skip them all, WRPO
        // trains them.
        List<WrpoExample> second = first.stream()
                .map(e -> new WrpoExample(
                        e.sampleId() + "-again",
                        e.sampleId() + "-again",
                        e.prompt(),
                        e.sourceChosen(),
                        e.rejected(),
                        e.targetChosen(),
                        1.0))
                .toList();
        consumer.schedulePollTask(() -> {
            assign();
            add(first, 0);
        });
        consumer.schedulePollTask(() -> add(second, 8));

        TrainerService.Settings settings =
                TrainerServiceTestSupport.settings(model, dir.resolve("run"), TOPIC, 8, 5, 1, 100, 100);
        try (TrainerService service = TrainerService.open(settings, intake(), Publication.none())) {
            service.run(Long.MAX_VALUE, Duration.ofSeconds(2));
        }

        assertThat(CheckpointLineage.trainedSampleIds(dir.resolve("run/checkpoints")))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids(first, second));
        assertThat(newestStage()).isEqualTo(Stage.PREFERENCE);
    }

    @Test
    void aRebalanceWhileTheNextMicroBatchIsReadDropsWhatWasReadAndResumesWhereTrainingGotNotWhereTheRunStarted()
            throws Exception {
        List<WrpoExample> examples = ShoutTask.samples(24, 4);
        consumer.schedulePollTask(() -> {
            assign();
            add(examples.subList(0, 8), 0);
        });
        consumer.schedulePollTask(() -> add(examples.subList(8, 16), 8));
        // Read while the second micro-batch waits to train: the group rebalances (as after a broker restart) and the
        // partition comes back; the broker holds the whole log.
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of());
            consumer.rebalance(List.of(PARTITION));
            add(examples, 0);
        });

        TrainerService.Settings settings =
                TrainerServiceTestSupport.settings(model, dir.resolve("run"), TOPIC, 0, 5, 1, 100, 0);
        try (TrainerService service = TrainerService.open(settings, intake(), Publication.none())) {
            service.run(Long.MAX_VALUE, Duration.ofSeconds(2));
        }

        assertThat(CheckpointLineage.trainedSampleIds(dir.resolve("run/checkpoints")))
                .as("every sample once")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids(examples));
        assertThat(CheckpointLineage.coveredOffsets(dir.resolve("run/checkpoints")))
                .isEqualTo(24);
    }

    private void assign() {
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.rebalance(List.of(PARTITION));
    }

    /** Records of the examples from {@code firstOffset} on; the consumer hands out those at or after its position. */
    private void add(List<WrpoExample> examples, long firstOffset) {
        for (int i = 0; i < examples.size(); i++) {
            WrpoExample example = examples.get(i);
            samplesById.put(example.sampleId(), TrainerServiceTestSupport.sample(example));
            consumer.addRecord(new ConsumerRecord<>(
                    TOPIC,
                    0,
                    firstOffset + i,
                    "prompt-" + example.sampleId(),
                    example.sampleId().getBytes(StandardCharsets.UTF_8)));
        }
        consumer.updateEndOffsets(Map.of(PARTITION, firstOffset + examples.size()));
    }

    private SampleIntake intake() {
        Deserializer<PreferenceSample> values =
                (topic, bytes) -> samplesById.get(new String(bytes, StandardCharsets.UTF_8));
        return new SampleIntake(
                consumer,
                values,
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                new KafkaAvroSerializer<>(),
                "prefetch.dlq");
    }

    private Stage newestStage() throws Exception {
        List<Path> complete = CheckpointStore.complete(dir.resolve("run/checkpoints"));
        return RunStateCodec.read(complete.get(complete.size() - 1)).stage();
    }

    @SafeVarargs
    private static List<String> ids(List<WrpoExample>... lists) {
        return IntStream.range(0, lists.length)
                .boxed()
                .flatMap(i -> lists[i].stream())
                .map(WrpoExample::sampleId)
                .toList();
    }
}
