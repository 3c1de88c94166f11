package dev.fuseflow.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * SwiGLU's gate: the DJL math against silu computed by hand, its gradients against the derivative
 * silu'(g) = s(g) (1 + g (1 - s(g))), and (where FUSEFLOW_NATIVE_LIBRARY is set) the native kernel
 * against the DJL math.
 */
class SwiGluKernelTest {

    @Test
    void theDjlMathIsSiluOfTheGateTimesUpWithItsDerivatives() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] g = {-3, -0.5f, 0, 0.7f, 4};
            float[] u = {2, -1, 5, 3, -0.25f};
            NDList result = forwardBackward(
                    manager.create(g), manager.create(u), manager.ones(new Shape(5)), SwiGluKernel::djlApply);

            float[] y = result.get(0).toFloatArray();
            float[] dGate = result.get(1).toFloatArray();
            float[] dUp = result.get(2).toFloatArray();
            for (int i = 0; i < g.length; i++) {
                double sigmoid = 1 / (1 + Math.exp(-g[i]));
                double silu = g[i] * sigmoid;
                assertThat(y[i]).as("y[%d]", i).isCloseTo((float) (silu * u[i]), within(1e-6f));
                assertThat(dUp[i]).as("d up[%d]", i).isCloseTo((float) silu, within(1e-6f));
                assertThat(dGate[i])
                        .as("d gate[%d]", i)
                        .isCloseTo((float) (u[i] * sigmoid * (1 + g[i] * (1 - sigmoid))), within(1e-5f));
            }
        }
    }

    @Test
    void theNativeKernelMatchesTheDjlMathInValuesAndGradients() {
        assumeTrue(NativeKernels.available(), "FUSEFLOW_NATIVE_LIBRARY is not set");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(11);
            Shape shape = new Shape(3, 7, 40);
            NDArray gate = manager.randomNormal(0, 2, shape, DataType.FLOAT32, manager.getDevice());
            NDArray up = manager.randomNormal(0, 1, shape, DataType.FLOAT32, manager.getDevice());
            NDArray upstream = manager.randomNormal(0, 1, shape, DataType.FLOAT32, manager.getDevice());

            NDList reference = forwardBackward(gate, up, upstream, SwiGluKernel::djlApply);
            NDList fused = forwardBackward(gate, up, upstream, SwiGluKernel::nativeApply);

            for (int i = 0; i < 3; i++) {
                float[] expected = reference.get(i).toFloatArray();
                float[] actual = fused.get(i).toFloatArray();
                for (int j = 0; j < expected.length; j++) {
                    assertThat(actual[j]).as("output %d element %d", i, j).isCloseTo(expected[j], within(1e-5f));
                }
            }
        }
    }

    /** (result, d/d gate, d/d up) of sum(upstream · swiglu(gate, up)). */
    private static NDList forwardBackward(NDArray gate, NDArray up, NDArray upstream, BinaryOperator<NDArray> swiGlu) {
        NDArray g = gate.duplicate();
        NDArray u = up.duplicate();
        g.setRequiresGradient(true);
        u.setRequiresGradient(true);
        NDArray out;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            out = swiGlu.apply(g, u);
            collector.backward(out.mul(upstream).sum());
        }
        return new NDList(
                out.duplicate(), g.getGradient().duplicate(), u.getGradient().duplicate());
    }
}
