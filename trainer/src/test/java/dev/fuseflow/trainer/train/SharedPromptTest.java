package dev.fuseflow.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.TrainableGoldens;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared-prompt layout gives the log-probs and the gradients of three separate rows, for every
 * architecture, on ragged prompts and responses (an empty response included).
 */
class SharedPromptTest {

    private static final long PAD = 0;

    @Test
    void rowsHoldThePromptOnceAndEachResponseAtItsOwnPositions() {
        List<long[][]> one = new ArrayList<>();
        one.add(new long[][] {{5, 6, 7}, {8, 9}, {10}, {11, 12, 13}});
        PreferenceBatch batch = batch(one);

        SharedPromptRows rows = SharedPromptRows.of(batch);

        assertThat(rows.tokens()[0]).containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13);
        assertThat(rows.positions()[0]).containsExactly(0, 1, 2, 3, 4, 3, 3, 4, 5);
        assertThat(rows.segments()[0]).containsExactly(0, 0, 0, 1, 1, 2, 3, 3, 3);
        // Each response's first token is scored by the prompt's last column (2), the others by the column before.
        assertThat(rows.predictors()[0]).containsExactly(0, 0, 0, 2, 3, 2, 2, 6, 7);
        assertThat(rows.longestPosition()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "gpt2-tiny",
                "llama-tiny",
                "llama-tied",
                "llama-bias-head-dim",
                "llama-rope-yarn",
                "qwen2-tiny",
                "qwen3-tiny",
                "qwen3-bias-tied"
            })
    void logProbsAndGradientsEqualThoseOfSeparateRows(String name) throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = TrainableGoldens.load(name, manager);
            PreferenceBatch batch = raggedBatch(new Random(name.hashCode()));
            SharedPromptRows rows = SharedPromptRows.of(batch);
            assertThat(model.packsExactly(rows.width(), rows.longestPosition()))
                    .as("%s packs a row of %d tokens", name, rows.width())
                    .isTrue();
            assertThat(rows.width())
                    .as("the packed row is shorter than three rows")
                    .isLessThan(3 * batch.sourceChosen().tokens()[0].length);

            Pass separate = pass(model, batch, manager, BatchLogps.Layout.SEPARATE);
            Pass shared = pass(model, batch, manager, BatchLogps.Layout.SHARED_PROMPT);

            for (int kind = 0; kind < 3; kind++) {
                assertThat(shared.logps[kind])
                        .as("%s log-probs of response %d", name, kind)
                        .usingComparatorWithPrecision(2e-5f)
                        .containsExactly(separate.logps[kind]);
            }
            assertThat(separate.logps[0]).as("the responses are scored").doesNotContain(0f);
            for (int p = 0; p < separate.gradients.size(); p++) {
                float[] expected = separate.gradients.get(p);
                assertThat(TrainableGoldens.relativeDifference(shared.gradients.get(p), expected, 1e-3f))
                        .as("%s gradient of parameter %d", name, p)
                        .isLessThan(1e-4f);
            }
        }
    }

    /** A sliding window shorter than the packed row, or dynamic rotary scaling past the context: three rows. */
    @ParameterizedTest
    @ValueSource(strings = {"mistral-sliding", "qwen2-sliding", "llama-rope-dynamic"})
    void modelsThatWouldComputeSomethingElsePackedFallBackToSeparateRows(String name) throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = TrainableGoldens.load(name, manager);
            PreferenceBatch batch = raggedBatch(new Random(3));
            SharedPromptRows rows = SharedPromptRows.of(batch);
            assertThat(model.packsExactly(rows.width(), rows.longestPosition())).isFalse();

            Pass separate = pass(model, batch, manager, BatchLogps.Layout.SEPARATE);
            Pass shared = pass(model, batch, manager, BatchLogps.Layout.SHARED_PROMPT);

            for (int kind = 0; kind < 3; kind++) {
                assertThat(shared.logps[kind]).containsExactly(separate.logps[kind]);
            }
        }
    }

    private record Pass(float[][] logps, List<float[]> gradients) {}

    /** Log-probs of the three responses and the gradients of 1.0 ws + 0.5 wt - 0.7 l. */
    private static Pass pass(
            CausalLanguageModel model, PreferenceBatch batch, NDManager manager, BatchLogps.Layout layout) {
        ParameterStore store = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.zeroGradients(); // the other layout's pass left its gradients on the same parameters
            PreferenceLogps logps = BatchLogps.of(model, store, batch, step, true, layout);
            NDArray objective = logps.sourceChosen()
                    .add(logps.targetChosen().mul(0.5f))
                    .sub(logps.rejected().mul(0.7f))
                    .sum();
            collector.backward(objective);
            List<float[]> gradients = new ArrayList<>();
            for (Parameter parameter : model.getParameters().values()) {
                gradients.add(parameter.getArray().getGradient().toFloatArray());
            }
            return new Pass(
                    new float[][] {
                        logps.sourceChosen().toFloatArray(),
                        logps.targetChosen().toFloatArray(),
                        logps.rejected().toFloatArray()
                    },
                    gradients);
        }
    }

    /** Four samples: prompts of 1 to 6 tokens, responses of 0 to 8 (the rejected one of the second is empty). */
    private static PreferenceBatch raggedBatch(Random random) {
        int[][] lengths = {{4, 5, 3, 8}, {6, 2, 7, 0}, {1, 8, 8, 1}, {3, 1, 1, 6}};
        List<long[][]> samples = new ArrayList<>();
        for (int[] sample : lengths) {
            long[][] parts = new long[4][];
            for (int part = 0; part < 4; part++) {
                parts[part] = random.longs(sample[part], 1, 37).toArray();
            }
            samples.add(parts);
        }
        return batch(samples);
    }

    /** Right-padded rows x y for each response kind, as {@code PreferenceBatcher} makes them. */
    private static PreferenceBatch batch(List<long[][]> samples) {
        PreferenceBatch.Sequences[] kinds = new PreferenceBatch.Sequences[3];
        for (int kind = 0; kind < 3; kind++) {
            int width = 0;
            for (long[][] sample : samples) {
                width = Math.max(width, sample[0].length + sample[kind + 1].length);
            }
            long[][] tokens = new long[samples.size()][width];
            long[][] attention = new long[samples.size()][width];
            long[][] response = new long[samples.size()][width];
            for (int i = 0; i < samples.size(); i++) {
                long[] prompt = samples.get(i)[0];
                long[] answer = samples.get(i)[kind + 1];
                Arrays.fill(tokens[i], PAD);
                for (int t = 0; t < prompt.length + answer.length; t++) {
                    tokens[i][t] = t < prompt.length ? prompt[t] : answer[t - prompt.length];
                    attention[i][t] = 1;
                    response[i][t] = t >= prompt.length ? 1 : 0;
                }
            }
            kinds[kind] = new PreferenceBatch.Sequences(tokens, attention, response);
        }
        double[] weights = new double[samples.size()];
        Arrays.fill(weights, 1.0);
        return new PreferenceBatch(kinds[0], kinds[1], kinds[2], weights);
    }
}
