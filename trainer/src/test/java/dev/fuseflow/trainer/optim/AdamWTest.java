package dev.fuseflow.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import dev.fuseflow.trainer.format.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWTest {

    private static final int N = 7;
    private static final double[] RATES = {1e-2, 5e-3, 2e-2, 1e-3, 1e-2};

    private static float[][] gradients() {
        Random random = new Random(3);
        float[][] g = new float[RATES.length][N];
        for (float[] step : g) {
            for (int i = 0; i < N; i++) {
                step[i] = (float) random.nextGaussian();
            }
        }
        return g;
    }

    private static float[] start() {
        float[] w = new float[N];
        for (int i = 0; i < N; i++) {
            w[i] = 0.1f * (i - 3);
        }
        return w;
    }

    /** PyTorch's AdamW, element by element in double precision: the oracle. */
    private static double[] scalarAdamW(AdamW.Settings s, float[][] gradients) {
        double[] w = new double[N];
        double[] m = new double[N];
        double[] v = new double[N];
        float[] start = start();
        for (int i = 0; i < N; i++) {
            w[i] = start[i];
        }
        for (int t = 1; t <= gradients.length; t++) {
            double lr = RATES[t - 1];
            for (int i = 0; i < N; i++) {
                double g = gradients[t - 1][i];
                m[i] = s.beta1() * m[i] + (1 - s.beta1()) * g;
                v[i] = s.beta2() * v[i] + (1 - s.beta2()) * g * g;
                double mHat = m[i] / (1 - Math.pow(s.beta1(), t));
                double vHat = v[i] / (1 - Math.pow(s.beta2(), t));
                w[i] = w[i] * (1 - lr * s.weightDecay()) - lr * mHat / (Math.sqrt(vHat) + s.epsilon());
            }
        }
        return w;
    }

    private static float[] run(
            AdamW optimizer, NDManager manager, NDArray weight, float[][] gradients, int from, int to) {
        for (int t = from; t < to; t++) {
            try (NDArray g = manager.create(gradients[t])) {
                optimizer.update(List.of("w"), List.of(weight), List.of(g), RATES[t]);
            }
        }
        return weight.toFloatArray();
    }

    @Test
    void matchesPyTorchsFormulaWithAndWithoutDecoupledWeightDecay() {
        for (double decay : new double[] {0.0, 0.1}) {
            AdamW.Settings settings = new AdamW.Settings(0.9, 0.999, 1e-8, decay);
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                float[] got = run(
                        new AdamW(settings, manager), manager, manager.create(start()), gradients(), 0, RATES.length);
                double[] expected = scalarAdamW(settings, gradients());
                for (int i = 0; i < N; i++) {
                    assertThat((double) got[i])
                            .as("decay %s, element %d", decay, i)
                            .isCloseTo(expected[i], within(1e-6));
                }
            }
        }
    }

    @Test
    void matchesDjlsAdamWhenThereIsNoWeightDecay() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[][] gradients = gradients();
            float[] ours =
                    run(new AdamW(AdamW.Settings.PYTORCH, manager), manager, manager.create(start()), gradients, 0, 1);
            Optimizer djl = Optimizer.adamW()
                    .optLearningRateTracker((id, n) -> (float) RATES[0])
                    .optWeightDecays(0f)
                    .optClipGrad(Float.MAX_VALUE)
                    .build();
            NDArray weight = manager.create(start());
            djl.update("w", weight, manager.create(gradients[0]));
            float[] theirs = weight.toFloatArray();
            for (int i = 0; i < N; i++) {
                assertThat(ours[i]).isCloseTo(theirs[i], within(1e-6f));
            }
        }
    }

    @Test
    void restoredStateContinuesBitForBit() {
        float[][] gradients = gradients();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] straight =
                    run(new AdamW(AdamW.Settings.PYTORCH, manager), manager, manager.create(start()), gradients, 0, 5);

            AdamW before = new AdamW(AdamW.Settings.PYTORCH, manager);
            NDArray weight = manager.create(start());
            run(before, manager, weight, gradients, 0, 3);
            Map<String, Tensor> saved = new LinkedHashMap<>();
            before.state()
                    .forEach((name, array) ->
                            saved.put(name, Tensor.ofFloats(array.getShape().getShape(), array.toFloatArray())));
            assertThat(saved).containsOnlyKeys("m.w", "v.w");

            AdamW after = new AdamW(AdamW.Settings.PYTORCH, manager);
            after.restore(saved, before.step());
            assertThat(run(after, manager, weight, gradients, 3, 5)).containsExactly(straight);

            NDArray sameStart = manager.create(start());
            run(new AdamW(AdamW.Settings.PYTORCH, manager), manager, sameStart, gradients, 0, 3);
            assertThat(run(new AdamW(AdamW.Settings.PYTORCH, manager), manager, sameStart, gradients, 3, 5))
                    .as("without the saved moments the run goes elsewhere")
                    .isNotEqualTo(straight);
        }
    }

    @Test
    void restoreRefusesUnknownEntriesAndSettingsAreValidated() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            AdamW optimizer = new AdamW(AdamW.Settings.PYTORCH, manager);
            assertThatThrownBy(() ->
                            optimizer.restore(Map.of("x.w", Tensor.ofFloats(new long[] {1}, new float[] {0})), 1))
                    .hasMessageContaining("'x.w' is neither m.<name> nor v.<name>");
        }
        assertThatThrownBy(() -> new AdamW.Settings(1.0, 0.999, 1e-8, 0))
                .hasMessageContaining("betas must lie in [0, 1)");
        assertThatThrownBy(() -> new AdamW.Settings(0.9, 0.999, 1e-8, -1)).hasMessageContaining("weight decay >= 0");
    }
}
