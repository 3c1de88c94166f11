package dev.fuseflow.schemas.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionMetricsTest {

    @Test
    void preferenceColumnsFirstThenEveryPluginMetricAnyVersionCarries() {
        Map<String, Double> gated = Map.of(
                "eval/loss",
                0.6,
                "eval/rewards/accuracies",
                0.8,
                "eval/rewards/margins",
                0.1,
                "eval/rewards/source_margins",
                0.2,
                "eval/samples",
                64.0,
                "eval/stage",
                1.0);
        Map<String, Double> withPlugin =
                Map.of("eval/rewards/accuracies", 0.7, "eval/task_reward", 0.4, "eval/bleu", 0.3);
        assertThat(VersionMetrics.columns(List.of(gated)))
                .containsExactly(VersionMetrics.ACCURACY, VersionMetrics.MARGIN);
        assertThat(VersionMetrics.columns(List.of(gated, withPlugin)))
                .containsExactly(VersionMetrics.ACCURACY, VersionMetrics.MARGIN, "eval/bleu", "eval/task_reward");
        assertThat(VersionMetrics.columns(List.of(gated, withPlugin)).stream().map(VersionMetrics::header))
                .containsExactly("accuracy", "margin", "bleu", "task_reward");
        assertThat(VersionMetrics.cell(gated, "eval/task_reward")).isEqualTo("-");
        assertThat(VersionMetrics.cell(withPlugin, "eval/task_reward")).isEqualTo("0.4000");
    }
}
