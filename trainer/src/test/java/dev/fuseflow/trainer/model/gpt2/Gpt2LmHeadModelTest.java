package dev.fuseflow.trainer.model.gpt2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.ResponseLogps;
import dev.fuseflow.trainer.objective.WrpoLoss;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Gpt2LmHeadModelTest {

    private static final Gpt2Config TINY = new Gpt2Config(11, 16, 8, 2, 2, 1e-5f);

    private NDManager manager;
    private Gpt2LmHeadModel model;
    private ParameterStore store;

    @BeforeEach
    void build() {
        Engine.getEngine("PyTorch").setRandomSeed(7);
        manager = NDManager.newBaseManager("PyTorch");
        model = new Gpt2LmHeadModel(TINY);
        model.initialize(manager, DataType.FLOAT64, new Shape(2, 6), new Shape(2, 6));
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray logits(long[][] tokens, long[][] mask) {
        return model.forward(store, new NDList(manager.create(tokens), manager.create(mask)), false)
                .singletonOrThrow();
    }

    @Test
    void logitsHaveOneRowPerPositionAndVocabularyEntry() {
        NDArray logits = logits(new long[][] {{1, 2, 3}, {4, 5, 6}}, new long[][] {{1, 1, 1}, {1, 1, 1}});
        assertThat(logits.getShape()).isEqualTo(new Shape(2, 3, 11));
        assertThat(logits.getDataType()).isEqualTo(DataType.FLOAT64);
    }

    @Test
    void aFutureTokenNeverChangesEarlierLogits() {
        NDArray a = logits(new long[][] {{1, 2, 3, 4}}, new long[][] {{1, 1, 1, 1}});
        NDArray b = logits(new long[][] {{1, 2, 3, 9}}, new long[][] {{1, 1, 1, 1}});
        assertThat(a.get(":, :3, :").toDoubleArray())
                .containsExactly(b.get(":, :3, :").toDoubleArray());
        assertThat(a.get(":, 3, :").toDoubleArray())
                .isNotEqualTo(b.get(":, 3, :").toDoubleArray());
    }

    @Test
    void paddingLeftOrRightGivesTheUnpaddedLogits() {
        double[] plain =
                logits(new long[][] {{5, 7, 2}}, new long[][] {{1, 1, 1}}).toDoubleArray();
        NDArray padded = logits(
                new long[][] {{5, 7, 2, 0, 0}, {0, 0, 5, 7, 2}}, new long[][] {{1, 1, 1, 0, 0}, {0, 0, 1, 1, 1}});
        double[] right = padded.get("0, :3, :").toDoubleArray();
        double[] left = padded.get("1, 2:, :").toDoubleArray();
        for (int i = 0; i < plain.length; i++) {
            assertThat(right[i]).isCloseTo(plain[i], within(1e-9));
            assertThat(left[i]).isCloseTo(plain[i], within(1e-9));
        }
    }

    /** The whole WRPO loss through the model: autograd against central differences, one element of every parameter. */
    @Test
    void wrpoGradientThroughTheModelMatchesFiniteDifferences() {
        long[][] attention = {{1, 1, 1, 1, 1, 1}, {0, 1, 1, 1, 1, 1}};
        long[][] response = {{0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 1, 1}};
        long[][] prompt = {{1, 2, 3, 4, 5, 6}, {0, 7, 8, 9, 10, 1}};
        PreferenceLogps reference = new PreferenceLogps(
                manager.create(new double[] {-9, -8}),
                manager.create(new double[] {-10, -7}),
                manager.create(new double[] {-9.5, -8.5}));
        NDArray weights = manager.create(new double[] {0.7, 1.0});
        Supplier<NDArray> loss = () -> WrpoLoss.compute(
                        new PreferenceLogps(
                                logps(withResponse(prompt, 3), attention, response),
                                logps(withResponse(prompt, 5), attention, response),
                                logps(withResponse(prompt, 8), attention, response)),
                        reference,
                        weights,
                        0.3,
                        0.5)
                .loss();

        List<Pair<String, Parameter>> parameters =
                model.getParameters().stream().toList();
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.backward(loss.get());
        }
        Random random = new Random(3);
        for (Pair<String, Parameter> named : parameters) {
            NDArray array = named.getValue().getArray();
            long[] index = randomIndex(array.getShape(), random);
            double analytic = array.getGradient().getDouble(index);
            double numeric = centralDifference(array, index, loss);
            assertThat(analytic)
                    .as("%s %s", named.getKey(), Arrays.toString(index))
                    .isCloseTo(numeric, within(1e-7 + 1e-5 * Math.abs(numeric)));
        }
        assertThat(parameters).hasSizeGreaterThan(20);
    }

    @Test
    void configValidationNamesTheFields() {
        assertThatThrownBy(() -> new Gpt2Config(10, 8, 50, 1, 6, 1e-5f))
                .hasMessage("n_embd 50 is not divisible by n_head 6");
        assertThatThrownBy(() -> new Gpt2Config(0, 8, 8, 1, 2, 1e-5f)).hasMessage("vocab_size must be >= 1, got 0");
    }

    private NDArray logps(long[][] tokens, long[][] attention, long[][] response) {
        return ResponseLogps.of(logits(tokens, attention), manager.create(tokens), manager.create(response))
                .logps();
    }

    /** The prompt with its response positions (3 onwards) shifted through the vocabulary. */
    private static long[][] withResponse(long[][] prompt, int shift) {
        long[][] out = new long[prompt.length][];
        for (int b = 0; b < prompt.length; b++) {
            out[b] = prompt[b].clone();
            for (int t = 3; t < out[b].length; t++) {
                out[b][t] = (prompt[b][t] + shift) % TINY.vocabSize();
            }
        }
        return out;
    }

    private static long[] randomIndex(Shape shape, Random random) {
        long[] index = new long[shape.dimension()];
        for (int d = 0; d < index.length; d++) {
            index[d] = random.nextInt((int) shape.get(d));
        }
        return index;
    }

    private static double centralDifference(NDArray array, long[] index, Supplier<NDArray> loss) {
        double eps = 1e-6;
        double original = array.getDouble(index);
        NDIndex at = new NDIndex(index);
        array.set(at, original + eps);
        double up = loss.get().getDouble();
        array.set(at, original - eps);
        double down = loss.get().getDouble();
        array.set(at, original);
        return (up - down) / (2 * eps);
    }
}
