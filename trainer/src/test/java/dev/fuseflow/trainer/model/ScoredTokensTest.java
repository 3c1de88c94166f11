package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.objective.ResponseLogps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mask form with scored rows (what SFT runs): the log-prob of each chosen next token equals the
 * one read off the full logits, left- and right-padded rows alike, without forming the other rows'
 * logits.
 */
class ScoredTokensTest {

    // Row 0 left-padded (2 pads), row 1 right-padded (1 pad).
    private static final long[][] TOKENS = {{0, 0, 5, 6, 7, 8}, {9, 10, 11, 12, 13, 0}};
    private static final long[][] MASK = {{0, 0, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0}};
    // Scored: row 0 predicts token 7 from position 3 and 8 from 4; row 1 predicts 12 from 2 and 13 from 3.
    private static final long[] ROWS = {3, 4, 6 + 2, 6 + 3};
    private static final long[] TARGETS = {7, 8, 12, 13};

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "llama-tiny", "llama-tied", "qwen3-bias-tied"})
    void scoredLogProbsAreThoseOfTheFullLogits(String name) throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = TrainableGoldens.load(name, manager);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray tokens = manager.create(TOKENS);
            NDArray mask = manager.create(MASK);

            NDArray logits =
                    model.forward(store, new NDList(tokens, mask), false).singletonOrThrow();
            long[][] response = {{0, 0, 0, 0, 1, 1}, {0, 0, 0, 1, 1, 0}};
            float[] expected = ResponseLogps.of(logits, tokens, manager.create(response))
                    .tokenLogps()
                    .toFloatArray(); // (B, T - 1): position t scores token t + 1
            ForwardInputs.ScoredTokens scored =
                    new ForwardInputs.ScoredTokens(manager.create(ROWS), manager.create(TARGETS));
            float[] picked = model.forward(store, ForwardInputs.maskedScoring(tokens, mask, scored), false)
                    .singletonOrThrow()
                    .toFloatArray();

            int width = TOKENS[0].length - 1;
            float[] fromLogits = {expected[3], expected[4], expected[width + 2], expected[width + 3]};
            assertThat(picked).as(name).usingComparatorWithPrecision(1e-5f).containsExactly(fromLogits);
            assertThat(picked).doesNotContain(0f);
        }
    }

    @Test
    void aCacheIsNotMistakenForScoredRows() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray tokens = manager.create(TOKENS);
            NDArray mask = manager.create(MASK);
            NDArray key = manager.zeros(new Shape(2, 1, 0, 4));
            assertThat(ForwardInputs.isMaskedScoring(new NDList(tokens, mask, key, key)))
                    .isFalse();
            assertThat(ForwardInputs.isMaskedScoring(
                            new NDList(tokens, mask, manager.create(ROWS), manager.create(TARGETS))))
                    .isTrue();
        }
    }
}
