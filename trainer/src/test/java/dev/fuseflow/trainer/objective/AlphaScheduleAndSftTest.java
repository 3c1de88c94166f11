package dev.fuseflow.trainer.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class AlphaScheduleAndSftTest {

    @Test
    void alphaRampsLinearlyThenHolds() {
        AlphaSchedule schedule = new AlphaSchedule(0.1, 100);
        assertThat(schedule.alpha(0)).isZero();
        assertThat(schedule.alpha(50)).isCloseTo(0.05, within(1e-15));
        assertThat(schedule.alpha(100)).isEqualTo(0.1);
        assertThat(schedule.alpha(10_000)).isEqualTo(0.1);
        assertThat(new AlphaSchedule(0.3, 0).alpha(0)).isEqualTo(0.3);
        assertThat(AlphaSchedule.PAPER.alpha(311)).isEqualTo(0.1);
    }

    @Test
    void alphaScheduleValidation() {
        assertThatThrownBy(() -> new AlphaSchedule(1.2, 10)).hasMessage("alpha_final must lie in [0, 1], got 1.2");
        assertThatThrownBy(() -> new AlphaSchedule(0.1, -1))
                .hasMessage("alpha ramp length must be >= 0 updates, got -1");
    }

    @Test
    void sftIsTheMeanResponseTokenNll() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray tokenLogps = manager.create(new double[][] {{-9, -1, -2, -50}, {-7, -3, -5, -4}});
            NDArray mask = manager.create(new double[][] {{0, 1, 1, 0}, {0, 0, 1, 1}});
            // (1 + 2 + 5 + 4) / 4 response tokens; prompt and padding (the -9, -50, -7, -3) do not count.
            assertThat(SftLoss.compute(tokenLogps, mask).getDouble()).isEqualTo(3.0);
            // The same from the scored response tokens alone, as the trainer computes it.
            assertThat(SftLoss.compute(manager.create(new double[] {-1, -2, -5, -4}))
                            .getDouble())
                    .isEqualTo(3.0);
        }
    }
}
