package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checkpointed layers give the gradients of the plain backward, for every architecture. */
class ActivationCheckpointsTest {

    private static final long[][] TOKENS = {{3, 1, 4, 1, 5, 9, 2, 6}, {0, 5, 3, 5, 8, 9, 7, 9}};
    private static final long[][] MASK = {{1, 1, 1, 1, 1, 1, 1, 0}, {0, 1, 1, 1, 1, 1, 1, 1}};

    @ParameterizedTest
    @ValueSource(
            strings = {"gpt2-tiny", "llama-tiny", "llama-tied", "qwen2-tiny", "qwen3-bias-tied", "mistral-sliding"})
    void gradientsEqualThoseOfThePlainBackward(String name) throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = TrainableGoldens.load(name, manager);
            List<float[]> plain = gradients(model, manager, false);
            List<float[]> checkpointed = gradients(model, manager, true);

            assertThat(checkpointed).hasSameSizeAs(plain);
            for (int p = 0; p < plain.size(); p++) {
                assertThat(TrainableGoldens.relativeDifference(checkpointed.get(p), plain.get(p), 1e-6f))
                        .as("%s gradient of parameter %d", name, p)
                        .isLessThan(1e-5f);
            }
            assertThat(TrainableGoldens.maxAbs(plain.get(0)))
                    .as("the embedding gets a gradient")
                    .isPositive();
        }
    }

    @Test
    void aScopeIsOnePerThread() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                ActivationCheckpoints checkpoints = ActivationCheckpoints.open(manager)) {
            assertThatThrownBy(() -> ActivationCheckpoints.open(manager))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
            assertThat(ActivationCheckpoints.current()).isSameAs(checkpoints);
        }
        assertThat(ActivationCheckpoints.current()).isNull();
    }

    /** Gradients of a weighted sum of the logits, with each layer checkpointed or not. */
    private static List<float[]> gradients(CausalLanguageModel model, NDManager manager, boolean checkpoint) {
        ParameterStore store = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector();
                ActivationCheckpoints checkpoints = checkpoint ? ActivationCheckpoints.open(step) : null) {
            collector.zeroGradients();
            NDArray tokens = step.zeros(new Shape(2, 8), DataType.INT64).add(step.create(TOKENS));
            NDArray mask = step.create(MASK);
            NDArray logits =
                    model.forward(store, new NDList(tokens, mask), true).singletonOrThrow(); // (B, T, V)
            NDArray weights = step.arange(0f, (float) logits.size(), 1f)
                    .reshape(logits.getShape())
                    .sin(); // a fixed, uneven upstream gradient
            collector.backward(logits.mul(weights).sum());
            if (checkpoints != null) {
                assertThat(checkpoints.size())
                        .as("every layer was checkpointed")
                        .isPositive();
                checkpoints.backward();
            }
            List<float[]> gradients = new ArrayList<>();
            for (Parameter parameter : model.getParameters().values()) {
                gradients.add(parameter.getArray().getGradient().toFloatArray());
            }
            return gradients;
        }
    }
}
