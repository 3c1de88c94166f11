package dev.fuseflow.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimTest {

    @Test
    void warmupRisesLinearlyThenCosineFallsToTheFloor() {
        CosineWarmupSchedule schedule = new CosineWarmupSchedule(1e-3, 1e-5, 10, 110);
        assertThat(schedule.learningRate(0)).isCloseTo(1e-4, within(1e-15));
        assertThat(schedule.learningRate(9)).isCloseTo(1e-3, within(1e-15));
        assertThat(schedule.learningRate(10)).isCloseTo(1e-3, within(1e-15));
        assertThat(schedule.learningRate(60)).isCloseTo((1e-3 + 1e-5) / 2, within(1e-12));
        assertThat(schedule.learningRate(110)).isEqualTo(1e-5);
        assertThat(schedule.learningRate(1_000_000)).isEqualTo(1e-5);
        for (long t = 10; t < 110; t++) {
            assertThat(schedule.learningRate(t + 1)).isLessThanOrEqualTo(schedule.learningRate(t));
        }
        assertThat(CosineWarmupSchedule.paper(3e-7, 311).warmupUpdates()).isEqualTo(31);
    }

    @Test
    void scheduleValidation() {
        assertThatThrownBy(() -> new CosineWarmupSchedule(0, 0, 1, 10)).hasMessageContaining("peak learning rate");
        assertThatThrownBy(() -> new CosineWarmupSchedule(1e-3, 0, 20, 10))
                .hasMessageContaining("warm-up 20 and total 10");
    }

    @Test
    void clippingScalesAllGradientsTogetherAndKeepsTheirDirection() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.create(new float[] {3f, -4f});
            NDArray b = manager.create(new float[] {0f, 12f});
            double norm = GlobalNormClipping.clip(List.of(a, b), 1.0);
            assertThat(norm).isCloseTo(13.0, within(1e-6));
            assertThat(a.toFloatArray()).usingComparatorWithPrecision(1e-5f).containsExactly(3f / 13, -4f / 13);
            assertThat(b.toFloatArray()).usingComparatorWithPrecision(1e-5f).containsExactly(0f, 12f / 13);

            NDArray small = manager.create(new float[] {0.1f, -0.2f});
            assertThat(GlobalNormClipping.clip(List.of(small), 1.0)).isCloseTo(Math.sqrt(0.05), within(1e-6));
            assertThat(small.toFloatArray()).containsExactly(0.1f, -0.2f);

            NDArray broken = manager.create(new float[] {Float.NaN, 1f});
            assertThat(GlobalNormClipping.clip(List.of(broken), 1.0)).isNaN();
            assertThat(broken.getFloat(1)).isEqualTo(1f);
        }
    }

    @Test
    void lossScalerBacksOffOnOverflowAndGrowsAfterCleanSteps() {
        DynamicLossScaler scaler = new DynamicLossScaler(1024, 2, 0.5, 3, 1);
        assertThat(scaler.update(false)).isFalse();
        assertThat(scaler.scale()).isEqualTo(512);
        assertThat(scaler.update(true)).isTrue();
        assertThat(scaler.update(true)).isTrue();
        assertThat(scaler.scale()).isEqualTo(512);
        assertThat(scaler.update(true)).isTrue();
        assertThat(scaler.scale()).isEqualTo(1024);
        assertThat(scaler.skippedUpdates()).isEqualTo(1);
        for (int i = 0; i < 20; i++) {
            scaler.update(false);
        }
        assertThat(scaler.scale()).isEqualTo(1.0);
        assertThatThrownBy(() -> new DynamicLossScaler(1, 0.5, 0.5, 1, 1)).hasMessageContaining("growth > 1");
    }
}
