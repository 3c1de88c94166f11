package dev.fuseflow.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The pure-DJL attention kernel's numbers on cases small enough to compute by hand: one head of
 * size 1, two positions, keys (1, 0) and values (10, 20), so that a query q at position 1 weighs the
 * values by softmax(q, 0) = (p, 1 - p) with p = e^q / (e^q + 1).
 */
class DjlAttentionTest {

    private static final double E2 = Math.exp(2);

    /** Weight of key 0 for query 2 against keys (1, 0), scale 1. */
    private static final double P = E2 / (E2 + 1);

    private final AttentionKernel kernel = AttentionKernel.djl();

    @Test
    void causalBiasLetsTheFirstPositionSeeOnlyItself() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray q = manager.create(new float[] {1, 2}, new Shape(1, 1, 2, 1)); // (B, nh, T, d)
            NDArray k = manager.create(new float[] {1, 0}, new Shape(1, 1, 2, 1));
            NDArray v = manager.create(new float[] {10, 20}, new Shape(1, 1, 2, 1));
            NDArray bias = manager.create(new float[] {0, -1e4f, 0, 0}, new Shape(1, 1, 2, 2)); // (B, 1, T, S)

            float[] out = kernel.attend(q, k, v, bias, 1.0).toFloatArray();

            assertThat(out[0]).isCloseTo(10f, within(1e-5f));
            assertThat((double) out[1]).isCloseTo(10 * P + 20 * (1 - P), within(1e-4));
        }
    }

    @Test
    void causalWithoutBiasGivesTheSameNumbersAsTheCausalBias() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray q = manager.create(new float[] {1, 2}, new Shape(1, 1, 2, 1));
            NDArray k = manager.create(new float[] {1, 0}, new Shape(1, 1, 2, 1));
            NDArray v = manager.create(new float[] {10, 20}, new Shape(1, 1, 2, 1));

            float[] out = kernel.attendCausal(q, k, v, 1.0).toFloatArray();

            assertThat(out[0]).isCloseTo(10f, within(1e-5f));
            assertThat((double) out[1]).isCloseTo(10 * P + 20 * (1 - P), within(1e-4));
        }
    }

    @Test
    void scaleMultipliesTheScores() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray q = manager.create(new float[] {1, 4}, new Shape(1, 1, 2, 1));
            NDArray k = manager.create(new float[] {1, 0}, new Shape(1, 1, 2, 1));
            NDArray v = manager.create(new float[] {10, 20}, new Shape(1, 1, 2, 1));

            float[] out = kernel.attendCausal(q, k, v, 0.5).toFloatArray(); // scores of query 1: (2, 0)

            assertThat((double) out[1]).isCloseTo(10 * P + 20 * (1 - P), within(1e-4));
        }
    }

    @Test
    void paddedKeysGetNoWeight() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // Two sequences: the second is left-padded (its key 0 is padding), so its query 1 sees key 1 only.
            NDArray q = manager.create(new float[] {1, 2, 1, 2}, new Shape(2, 1, 2, 1));
            NDArray k = manager.create(new float[] {1, 0, 1, 0}, new Shape(2, 1, 2, 1));
            NDArray v = manager.create(new float[] {10, 20, 10, 20}, new Shape(2, 1, 2, 1));
            NDArray bias = manager.create(new float[] {0, -1e4f, 0, 0, 0, -1e4f, -1e4f, 0}, new Shape(2, 1, 2, 2));

            float[] out = kernel.attend(q, k, v, bias, 1.0).toFloatArray(); // (B, nh, T, d) = (2, 1, 2, 1)

            assertThat((double) out[1]).isCloseTo(10 * P + 20 * (1 - P), within(1e-4));
            assertThat(out[3]).isCloseTo(20f, within(1e-5f));
        }
    }

    @Test
    void groupedKeysAreSharedByConsecutiveQueryHeadsAsInRepeatKv() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // 4 query heads, 2 key/value heads: heads 0 and 1 read values (10, 20), heads 2 and 3 (100, 200).
            NDArray q = manager.zeros(new Shape(1, 4, 2, 1));
            NDArray k = manager.zeros(new Shape(1, 2, 2, 1));
            NDArray v = manager.create(new float[] {10, 20, 100, 200}, new Shape(1, 2, 2, 1));

            float[] out = kernel.attendCausal(q, k, v, 1.0).toFloatArray(); // (1, 4, 2, 1)

            // Zero queries weigh the visible keys equally: position 0 its own value, position 1 the mean.
            assertThat(out).containsExactly(new float[] {10, 15, 10, 15, 100, 150, 100, 150}, within(1e-4f));
        }
    }

    @Test
    void gradientsReachQueriesKeysAndValues() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray q = manager.create(new float[] {1, 2}, new Shape(1, 1, 2, 1));
            NDArray k = manager.create(new float[] {1, 0}, new Shape(1, 1, 2, 1));
            NDArray v = manager.create(new float[] {10, 20}, new Shape(1, 1, 2, 1));
            q.setRequiresGradient(true);
            k.setRequiresGradient(true);
            v.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(kernel.attendCausal(q, k, v, 1.0).sum());
            }
            // d(out0 + out1)/dv = (1 + p, 1 - p); d out1 / d q1 = (k0 - k1) p (1 - p) (v0 - v1) = -10 p (1 - p).
            assertThat(v.getGradient().toFloatArray())
                    .containsExactly(new float[] {(float) (1 + P), (float) (1 - P)}, within(1e-5f));
            assertThat((double) q.getGradient().toFloatArray()[1]).isCloseTo(-10 * P * (1 - P), within(1e-4));
            assertThat(q.getGradient().toFloatArray()[0]).isCloseTo(0f, within(1e-6f));
            assertThat(k.getGradient().toFloatArray()[0]).isNotZero();
        }
    }

    @Test
    void aFloat32BiasIsNarrowedToFloat16QueriesWithoutOverflow() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray q =
                    manager.create(new float[] {1, 2}, new Shape(1, 1, 2, 1)).toType(DataType.FLOAT16, false);
            NDArray k =
                    manager.create(new float[] {1, 0}, new Shape(1, 1, 2, 1)).toType(DataType.FLOAT16, false);
            NDArray v =
                    manager.create(new float[] {10, 20}, new Shape(1, 1, 2, 1)).toType(DataType.FLOAT16, false);
            NDArray bias = manager.create(new float[] {0, -1e30f, 0, 0}, new Shape(1, 1, 2, 2));

            NDArray out = kernel.attend(q, k, v, bias, 1.0);

            assertThat(out.getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(out.toType(DataType.FLOAT32, false).toFloatArray()[0]).isCloseTo(10f, within(1e-2f));
        }
    }

    @Test
    void shapesThatDoNotFitAreNamed() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray q = manager.zeros(new Shape(1, 3, 2, 4));
            NDArray k = manager.zeros(new Shape(1, 2, 2, 4));
            assertThatThrownBy(() -> kernel.attendCausal(q, k, k, 1.0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("query heads 3 are not a multiple of key/value heads 2");
            NDArray q4 = manager.zeros(new Shape(1, 4, 2, 4));
            assertThatThrownBy(() -> kernel.attend(q4, k, k, manager.zeros(new Shape(1, 1, 2, 3)), 1.0))
                    .hasMessageContaining("attention bias must be (B, 1, T, S) = (1, 1, 2, 2); got (1, 1, 2, 3)");
        }
    }
}
