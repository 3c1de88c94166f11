package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import org.junit.jupiter.api.Test;

class DecoderStackTest {

    private static final int T = 8;

    /** Arrays a training forward pass leaves in its manager, and the sum of the first weight's gradient. */
    private static long[] arraysLeftAndGradient(int layers) {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = new LlamaForCausalLm(LlamaConfig.of(50, 16, 32, layers, 2, 1, 32));
            model.initialize(manager, DataType.FLOAT32, new Shape(1, T), new Shape(1, T));
            try (NDManager pass = manager.newSubManager();
                    GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray tokens = pass.arange(1, 1 + 2 * T).reshape(2, T).toType(DataType.INT64, false);
                NDArray attention = pass.ones(new Shape(2, T), DataType.INT64);
                NDArray logits = model.forward(new ParameterStore(pass, false), new NDList(tokens, attention), true)
                        .singletonOrThrow();
                long left = ((BaseNDManager) pass).getManagedArrays().size();
                collector.backward(logits.square().mean());
                NDArray gradient = model.getParameters()
                        .valueAt(model.getParameters().size() - 1)
                        .getArray()
                        .getGradient();
                return new long[] {
                    left,
                    Double.isFinite(gradient.abs().sum().getFloat())
                                    && gradient.abs().sum().getFloat() > 0
                            ? 1
                            : 0
                };
            }
        }
    }

    @Test
    void aTrainingPassKeepsNoLayersIntermediatesAndBackwardStillReachesEveryLayer() {
        long[] two = arraysLeftAndGradient(2);
        long[] six = arraysLeftAndGradient(6);
        // Each layer's intermediates are closed with it: four more layers leave no more arrays behind.
        assertThat(six[0]).isEqualTo(two[0]);
        // ... while the graph kept what backward needs: the gradient reaches the output layer's weights.
        assertThat(two[1]).isEqualTo(1);
        assertThat(six[1]).isEqualTo(1);
    }
}
