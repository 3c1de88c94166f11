package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.TrainingCheckpoint;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
        TrainerService.Settings settings = new TrainerService.Settings(model, dir.resolve("run"), topics.preferences().name(), 8,
                Duration.ofMillis(500), 16, 3e-3, 3e-3, 100, 0.1, 0.1, 5, new SequenceBudget(64, 48), 2, 100,
                Precision.FP32, ComputeDevice.AUTO, 0);
        String group = "trainer-" + TrainerServiceTestSupport.prefix(topics);

        long first;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TrainerService service = new TrainerService(settings, TrainerServiceTestSupport.intake(stack, group, topics), null,
                new TrainerMetrics(registry, Duration.ofSeconds(10)))) {
            first = service.run(5, Duration.ofSeconds(30));
        }
        String scraped = registry.scrape();
        assertThat(scraped).contains("fuseflow_trainer_updates_total 5.0", "fuseflow_trainer_samples_total 40.0",
                "fuseflow_trainer_metric{name=\"loss\"}", "fuseflow_trainer_consumer_lag_records", "fuseflow_trainer_checkpoint_bytes",
                "fuseflow_trainer_checkpoint_duration_seconds_count", "fuseflow_trainer_skipped_updates_total 0.0",
                "fuseflow_trainer_stage", "fuseflow_trainer_alpha", "fuseflow_trainer_freshness_seconds");
        assertThat(scraped).doesNotContain("fuseflow_trainer_tokens_total 0.0");
        long second;
        try (TrainerService service = new TrainerService(settings, TrainerServiceTestSupport.intake(stack, group, topics))) {
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
