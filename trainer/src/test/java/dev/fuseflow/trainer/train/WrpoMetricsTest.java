package dev.fuseflow.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.WrpoLoss;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WrpoMetricsTest {

    private static PreferenceBatch.Sequences withResponseTokens(long... counts) {
        long[][] response = new long[counts.length][6];
        for (int row = 0; row < counts.length; row++) {
            for (int i = 0; i < counts[row]; i++) {
                response[row][5 - i] = 1;
            }
        }
        return new PreferenceBatch.Sequences(new long[counts.length][6], new long[counts.length][6], response);
    }

    @Test
    void figuresFollowWrpoMdOnItsWorkedExampleAndASecondSampleThatLoses() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // Sample 0 is docs/wrpo.md's worked example; in sample 1 the rejected response gains more than either
            // chosen
            // one.
            PreferenceLogps policy = new PreferenceLogps(
                    manager.create(new double[] {-120, -50}),
                    manager.create(new double[] {-80, -60}),
                    manager.create(new double[] {-95, -40}));
            PreferenceLogps reference = new PreferenceLogps(
                    manager.create(new double[] {-130, -52}),
                    manager.create(new double[] {-82, -61}),
                    manager.create(new double[] {-90, -45}));
            WrpoLoss.Result result =
                    WrpoLoss.compute(policy, reference, manager.create(new double[] {1, 1}), 0.1, 0.01);
            PreferenceBatch batch = new PreferenceBatch(
                    withResponseTokens(4, 2), withResponseTokens(3, 3), withResponseTokens(5, 1), new double[] {1, 1});

            Map<String, Double> m = WrpoMetrics.of(result, policy, batch, 0.1, 2.5);

            double chosen0 = 0.01 * (0.1 * 10 + 0.9 * 2);
            double chosen1 = 0.01 * (0.1 * 2 + 0.9 * 1);
            assertThat(m.get("rewards/source_chosen")).isCloseTo(0.01 * (10 + 2) / 2, within(1e-12));
            assertThat(m.get("rewards/target_chosen")).isCloseTo(0.01 * (2 + 1) / 2, within(1e-12));
            assertThat(m.get("rewards/chosen")).isCloseTo((chosen0 + chosen1) / 2, within(1e-12));
            assertThat(m.get("rewards/rejected")).isCloseTo(0.01 * (-5 + 5) / 2, within(1e-12));
            assertThat(m.get("rewards/margins")).isCloseTo((chosen0 + chosen1) / 2, within(1e-12));
            assertThat(m.get("rewards/accuracies")).isEqualTo(0.5);
            assertThat(m.get("rewards/source_accuracies")).isEqualTo(0.5);
            assertThat(m.get("rewards/target_accuracies")).isEqualTo(0.5);
            assertThat(m.get("logps/rejected")).isEqualTo(-67.5);
            assertThat(m.get("length/source_chosen")).isEqualTo(3.0);
            assertThat(m.get("length/rejected")).isEqualTo(3.0);
            assertThat(m.get("length/target_chosen")).isEqualTo(3.0);
            assertThat(m.get("grad_norm")).isEqualTo(2.5);
            assertThat(m.get("alpha")).isEqualTo(0.1);
            assertThat(m.get("loss")).isCloseTo(result.loss().getDouble(), within(1e-12));
            assertThat(m.keySet()).startsWith("loss", "rewards/chosen");
        }
    }
}
