package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.audit.CheckpointLineage;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.training.Objective;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.RunStateCodec;
import dev.fuseflow.trainer.training.Stage;
import dev.fuseflow.trainer.training.TrainingLoop;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming trainer on the real broker: SFT then WRPO from the topic, stopped and restarted, every sample trained once. */
@WithEmbeddedStack
class TrainerServiceTest {

    private static final int SAMPLES = 72;

    @TempDir
    Path dir;

    @Test
    void trainsSftThenWrpoFromTheTopicAndEverySampleExactlyOnceAcrossARestart(EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "svc");
        List<WrpoExample> examples = ShoutTask.samples(SAMPLES, 9);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), examples);
        Path model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
        TrainerService.Settings settings =
                TrainerServiceTestSupport.settings(model, dir.resolve("run"), topics, 16, 5, 2, 100);
        String group = "trainer-" + TrainerServiceTestSupport.prefix(topics);

        long first;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TrainerService service = TrainerService.open(
                settings,
                TrainerServiceTestSupport.intake(stack, group, topics),
                Publication.none(),
                new TrainerMetrics(registry, Duration.ofSeconds(10)))) {
            first = service.run(5, Duration.ofSeconds(30));
        }
        String scraped = registry.scrape();
        assertThat(scraped)
                .contains(
                        "fuseflow_trainer_updates_total 5.0",
                        "fuseflow_trainer_samples_total 40.0",
                        "fuseflow_trainer_loss{stage=\"wrpo\"}",
                        "fuseflow_trainer_consumer_lag_records",
                        "fuseflow_trainer_checkpoint_bytes",
                        "fuseflow_trainer_checkpoint_duration_seconds_count",
                        "fuseflow_trainer_skipped_updates_total 0.0",
                        "fuseflow_trainer_stage{stage=\"wrpo\"} 1",
                        "fuseflow_trainer_alpha",
                        "fuseflow_trainer_freshness_seconds_bucket");
        assertThat(scraped).doesNotContain("fuseflow_trainer_tokens_total 0.0");
        long second;
        try (TrainerService service =
                TrainerService.open(settings, TrainerServiceTestSupport.intake(stack, group, topics))) {
            second = service.run(Long.MAX_VALUE, Duration.ofSeconds(5));
        }
        assertThat(first).isEqualTo(5);
        assertThat(first + second)
                .as("72 samples in micro-batches of at most 8")
                .isGreaterThanOrEqualTo(SAMPLES / 8);

        // The audit: along the lineage of the newest checkpoint, every produced sample id once.
        List<String> trained = CheckpointLineage.trainedSampleIds(dir.resolve("run/checkpoints"));
        RunState newest = RunStateCodec.read(CheckpointStore.complete(dir.resolve("run/checkpoints"))
                .get(CheckpointStore.complete(dir.resolve("run/checkpoints")).size() - 1));
        assertThat(trained)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        examples.stream().map(WrpoExample::sampleId).toList());
        assertThat(newest.stage()).isEqualTo(Stage.PREFERENCE);
        assertThat(newest.sftSamples()).isGreaterThanOrEqualTo(16).isLessThan(16 + 8);
        assertThat(dir.resolve("run").resolve(TrainingLoop.REFERENCE).resolve("model.safetensors"))
                .isRegularFile();
        assertThat(newest.position().offsets().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(SAMPLES);
        try (var folders = Files.list(dir.resolve("run/checkpoints"))) {
            assertThat(folders.count()).isGreaterThan(2);
        }
    }

    @Test
    void objectiveSftTrainsItsQuotaAndFinishesWithoutAPreferenceStage(EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "sft-only");
        List<WrpoExample> examples = ShoutTask.samples(SAMPLES, 11);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), examples);
        Path model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
        TrainerService.Settings settings = TrainerServiceTestSupport.withObjective(
                TrainerServiceTestSupport.settings(model, dir.resolve("sft-run"), topics, 24, 5, 2, 100),
                Objective.SFT);
        long updates;
        long started = System.nanoTime();
        try (TrainerService service = TrainerService.open(
                settings,
                TrainerServiceTestSupport.intake(
                        stack, "trainer-" + TrainerServiceTestSupport.prefix(topics), topics))) {
            updates = service.run(Long.MAX_VALUE, Duration.ofSeconds(60));
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("the run ends at the quota, not by waiting out the idle limit")
                .isLessThan(Duration.ofSeconds(60));
        RunState newest = RunStateCodec.read(CheckpointStore.complete(dir.resolve("sft-run/checkpoints"))
                .get(CheckpointStore.complete(dir.resolve("sft-run/checkpoints"))
                                .size()
                        - 1));
        assertThat(newest.stage()).isEqualTo(Stage.DONE);
        assertThat(newest.sftSamples()).isGreaterThanOrEqualTo(24).isLessThan(24 + 8);
        assertThat(updates).isEqualTo(newest.totalUpdates()).isLessThanOrEqualTo(4);
        assertThat(newest.position().offsets().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .as("the samples after the quota stay on the topic")
                .isLessThan(SAMPLES);
    }

    @Test
    void objectiveSftWithoutAnSftQuotaIsRefusedNamingTheOption() throws Exception {
        Path model = dir.resolve("start");
        FuseFlowTopics topics = FuseFlowTopics.defaults();
        assertThatThrownBy(() -> TrainerServiceTestSupport.withObjective(
                        TrainerServiceTestSupport.settings(model, dir.resolve("r"), topics, 0, 5, 2, 100),
                        Objective.SFT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--objective SFT")
                .hasMessageContaining("--sft-samples > 0");
    }
}
