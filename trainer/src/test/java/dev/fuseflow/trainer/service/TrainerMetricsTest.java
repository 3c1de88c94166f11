package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.Stage;
import dev.fuseflow.trainer.training.StepReport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One gauge per quantity with the stage as a label, the stage as a state set, freshness as a histogram. */
class TrainerMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TrainerMetrics metrics = new TrainerMetrics(registry, Duration.ofHours(1));

    @Test
    void eachQuantityIsAGaugeOfItsOwnLabelledWithTheStageThatComputedIt() {
        assertThat(registry.scrape())
                .as("registered before the first update")
                .contains(
                        "fuseflow_trainer_loss{stage=\"sft\"} NaN",
                        "fuseflow_trainer_reward_margin{stage=\"wrpo\"} NaN",
                        "fuseflow_trainer_stage{stage=\"sft\"} 0")
                .doesNotContain("fuseflow_trainer_reward_margin{stage=\"sft\"}");

        metrics.trained(
                RunState.start(Stage.SFT),
                report("SFT", Map.of("loss", 2.5, "grad_norm", 1.25, "learning_rate", 0.001)));
        assertThat(registry.scrape())
                .contains(
                        "fuseflow_trainer_loss{stage=\"sft\"} 2.5",
                        "fuseflow_trainer_grad_norm{stage=\"sft\"} 1.25",
                        "fuseflow_trainer_learning_rate{stage=\"sft\"} 0.001",
                        "fuseflow_trainer_stage{stage=\"sft\"} 1",
                        "fuseflow_trainer_stage{stage=\"wrpo\"} 0");

        metrics.trained(
                RunState.start(Stage.PREFERENCE),
                report(
                        "WRPO",
                        Map.of(
                                "loss", 0.625,
                                "grad_norm", 0.5,
                                "learning_rate", 0.0005,
                                "rewards/margins", 0.25,
                                "rewards/accuracies", 0.75,
                                "rewards/chosen", 0.125,
                                "rewards/rejected", -0.125)));
        String scraped = registry.scrape();
        assertThat(scraped)
                .contains(
                        "fuseflow_trainer_loss{stage=\"wrpo\"} 0.625",
                        "fuseflow_trainer_reward_margin{stage=\"wrpo\"} 0.25",
                        "fuseflow_trainer_reward_accuracy_ratio{stage=\"wrpo\"} 0.75",
                        "fuseflow_trainer_reward_chosen{stage=\"wrpo\"} 0.125",
                        "fuseflow_trainer_reward_rejected{stage=\"wrpo\"} -0.125",
                        "fuseflow_trainer_learning_rate{stage=\"wrpo\"} 5.0E-4",
                        "fuseflow_trainer_stage{stage=\"wrpo\"} 1",
                        "fuseflow_trainer_stage{stage=\"sft\"} 0")
                .as("the ended stage's figures read NaN, so a graph shows the running stage only")
                .contains("fuseflow_trainer_loss{stage=\"sft\"} NaN", "fuseflow_trainer_grad_norm{stage=\"sft\"} NaN")
                .as("the generic gauge of before is gone")
                .doesNotContain("fuseflow_trainer_metric");
    }

    @Test
    void freshnessIsAHistogramWithBuckets() {
        long now = System.currentTimeMillis();
        metrics.published(
                new Publication.Outcome(3, ModelVersionStatus.PUBLISHED, List.of(now - 45_000, now - 4_000_000)));
        metrics.published(new Publication.Outcome(4, ModelVersionStatus.REJECTED, List.of(now - 1_000)));

        assertThat(registry.scrape())
                .contains(
                        "# TYPE fuseflow_trainer_freshness_seconds histogram",
                        "fuseflow_trainer_freshness_seconds_bucket{le=\"30.0\"} 0",
                        "fuseflow_trainer_freshness_seconds_bucket{le=\"60.0\"} 1",
                        "fuseflow_trainer_freshness_seconds_bucket{le=\"3600.0\"} 1",
                        "fuseflow_trainer_freshness_seconds_bucket{le=\"7200.0\"} 2",
                        "fuseflow_trainer_freshness_seconds_bucket{le=\"+Inf\"} 2",
                        "fuseflow_trainer_freshness_seconds_count 2",
                        "fuseflow_trainer_published_version 3")
                .doesNotContain("quantile");
    }

    private static StepReport report(String stage, Map<String, Double> figures) {
        return new StepReport(stage, figures, stage.equals("SFT") ? 0.0 : 0.5, true, 100, 8, 0.1);
    }
}
