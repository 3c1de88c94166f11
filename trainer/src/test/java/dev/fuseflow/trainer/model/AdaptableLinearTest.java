package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** An adapted projection: its output and LoRA's gradients, and nothing else left in the caller's manager. */
class AdaptableLinearTest {

    private static final double SCALING = 0.5;

    @Test
    void anAdaptedProjectionKeepsOnlyItsOutputAndGivesLorasGradients() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            AdaptableLinear layer = new AdaptableLinear(6, false);
            layer.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 4));
            LowRankAdapter lora = new LowRankAdapter(manager, DataType.FLOAT32, new Shape(6, 4), 2, SCALING, 0);
            layer.attach(lora);
            GradMode.offForThisThread(); // B starts at zero; give it values so that the adapter matters
            lora.loraB()
                    .getArray()
                    .set(new NDIndex("..."), manager.arange(12f).reshape(6, 2).div(10f));
            ParameterStore store = new ParameterStore(manager, false);
            float[] values = manager.arange(24f).div(7f).sin().toFloatArray();

            try (NDManager step = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.zeroGradients();
                NDArray x = step.create(values, new Shape(2, 3, 4));
                NDArray y = layer.forward(store, new NDList(x), true).singletonOrThrow(); // (2, 3, 6)

                assertThat(step.getManagedArrays().stream().filter(array -> array.size() > 1))
                        .as("beside scalars, the input and the output: the base and adapter outputs and the low-rank"
                                + " intermediates are gone")
                        .containsExactlyInAnyOrder(x, y);
                collector.backward(y.sum());

                NDArray a = lora.loraA().getArray();
                NDArray b = lora.loraB().getArray();
                NDArray rows = step.create(values, new Shape(6, 4)); // the (B*T, in) rows of x
                // d sum(y) / dB[o, r] = s * sum over rows of (x A^T)[row, r], the same for every o
                NDArray expectedB = rows.matMul(a.transpose())
                        .sum(new int[] {0})
                        .mul(SCALING)
                        .reshape(1, 2)
                        .repeat(0, 6);
                // d sum(y) / dA[r, i] = s * sum over o of B[o, r] * sum over rows of x[row, i]
                NDArray expectedA = b.sum(new int[] {0})
                        .reshape(2, 1)
                        .matMul(rows.sum(new int[] {0}).reshape(1, 4))
                        .mul(SCALING);
                assertThat(b.getGradient().sub(expectedB).abs().max().getFloat())
                        .isLessThan(1e-5f);
                assertThat(a.getGradient().sub(expectedA).abs().max().getFloat())
                        .isLessThan(1e-5f);
                assertThat(expectedA.abs().max().getFloat()).isPositive();
            }
        }
    }
}
