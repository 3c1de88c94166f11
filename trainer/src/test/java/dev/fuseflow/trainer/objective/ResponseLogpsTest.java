package dev.fuseflow.trainer.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResponseLogpsTest {

    private static final int B = 2;
    private static final int T = 5;
    private static final int V = 4;

    private NDManager manager;
    private float[][][] logits;
    // Row 0 right-padded: prompt 2 tokens, response 2 tokens, 1 pad. Row 1 left-padded: 1 pad, prompt 1, response 3.
    private final long[][] tokens = {{1, 2, 3, 0, 0}, {0, 2, 1, 3, 2}};
    private final float[][] mask = {{0, 0, 1, 1, 0}, {0, 0, 1, 1, 1}};

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager("PyTorch");
        Random random = new Random(1);
        logits = new float[B][T][V];
        for (float[][] row : logits) {
            for (float[] position : row) {
                for (int v = 0; v < V; v++) {
                    position[v] = (float) random.nextGaussian() * 3;
                }
            }
        }
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray logitsArray() {
        float[] flat = new float[B * T * V];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                System.arraycopy(logits[b][t], 0, flat, (b * T + t) * V, V);
            }
        }
        return manager.create(flat, new Shape(B, T, V));
    }

    /** The definition, written out with doubles: sum over response tokens t of log softmax(logits[t - 1])[token t]. */
    private double expected(int b) {
        double sum = 0;
        for (int t = 1; t < T; t++) {
            if (mask[b][t] == 0) {
                continue;
            }
            float[] scores = logits[b][t - 1];
            double max = Double.NEGATIVE_INFINITY;
            for (float s : scores) {
                max = Math.max(max, s);
            }
            double z = 0;
            for (float s : scores) {
                z += Math.exp(s - max);
            }
            sum += scores[(int) tokens[b][t]] - max - Math.log(z);
        }
        return sum;
    }

    @Test
    void sumsResponseTokensOnlyWithTheOneStepShift() {
        ResponseLogps.Result result = ResponseLogps.of(logitsArray(), manager.create(tokens), manager.create(mask));
        float[] logps = result.logps().toFloatArray();
        assertThat(logps[0]).isCloseTo((float) expected(0), within(1e-5f));
        assertThat(logps[1]).isCloseTo((float) expected(1), within(1e-5f));
        assertThat(result.tokens().toFloatArray()).containsExactly(2f, 3f);
    }

    @Test
    void logitsThatScoreMaskedTokensDoNotMatter() {
        float before = ResponseLogps.of(logitsArray(), manager.create(tokens), manager.create(mask))
                .logps()
                .getFloat(0);
        logits[0][0] = new float[] {100, -100, 5, 7}; // scores token 1 (prompt)
        logits[0][3] = new float[] {-50, 50, 0, 0}; // scores token 4 (padding)
        logits[0][4] = new float[] {9, 9, 9, 9}; // scores nothing
        float after = ResponseLogps.of(logitsArray(), manager.create(tokens), manager.create(mask))
                .logps()
                .getFloat(0);
        assertThat(after).isEqualTo(before);
    }

    /**
     * Pins the DJL 0.36 behaviour ResponseLogps works around: a dtype cast through toType leaves
     * the autograd graph. If a DJL upgrade changes this, ResponseLogps can widen with toType again.
     */
    @Test
    void djlTypeCastsCutTheGraphSoWideningUsesTypePromotion() {
        NDArray wide = manager.create(new double[] {1, 2, 3});
        wide.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray cast = wide.toType(DataType.FLOAT32, false).sum();
            Assertions.assertThatThrownBy(() -> collector.backward(cast)).hasMessageContaining("does not require grad");
        }
        assertThat(ResponseLogps.of(
                                logitsArray().toType(DataType.FLOAT64, false),
                                manager.create(tokens),
                                manager.create(mask))
                        .logps()
                        .getDataType())
                .isEqualTo(DataType.FLOAT64);
    }

    /** Mixed precision: float16 logits are scored in float32, and the gradient still reaches them. */
    @Test
    void float16LogitsAreScoredInFloat32WithTheGradientFlowingBack() {
        NDArray half = logitsArray().toType(DataType.FLOAT16, false);
        half.setRequiresGradient(true);
        NDArray logps;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            logps = ResponseLogps.of(half, manager.create(tokens), manager.create(mask))
                    .logps();
            collector.backward(logps.sum());
        }
        assertThat(logps.getDataType()).isEqualTo(DataType.FLOAT32);
        // The same numbers as float32 logits rounded to float16 first.
        NDArray rounded = half.toType(DataType.FLOAT32, true);
        float[] expected = ResponseLogps.of(rounded, manager.create(tokens), manager.create(mask))
                .logps()
                .toFloatArray();
        assertThat(logps.toFloatArray()).containsExactly(expected, within(1e-5f));
        NDArray gradient = half.getGradient();
        assertThat(gradient.getDataType()).isEqualTo(DataType.FLOAT16);
        float[] g = gradient.toType(DataType.FLOAT32, true).toFloatArray();
        double absSum = 0;
        for (float value : g) {
            absSum += Math.abs(value);
        }
        assertThat(absSum).isGreaterThan(0.1);
    }

    @Test
    void gradientIsOneHotMinusSoftmaxAtScoredPositions() {
        NDArray input = logitsArray();
        input.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.backward(ResponseLogps.of(input, manager.create(tokens), manager.create(mask))
                    .logps()
                    .sum());
        }
        float[] gradient = input.getGradient().toFloatArray();
        NDArray softmax = logitsArray().softmax(-1);
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                boolean scored = t + 1 < T && mask[b][t + 1] == 1;
                for (int v = 0; v < V; v++) {
                    double expected = scored ? (tokens[b][t + 1] == v ? 1 : 0) - softmax.getFloat(b, t, v) : 0;
                    assertThat(gradient[(b * T + t) * V + v])
                            .as("b%d t%d v%d", b, t, v)
                            .isCloseTo((float) expected, within(1e-5f));
                }
            }
        }
    }
}
