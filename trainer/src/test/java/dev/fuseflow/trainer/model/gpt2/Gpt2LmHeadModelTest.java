package dev.fuseflow.trainer.model.gpt2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
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
        return model.forward(store, new NDList(manager.create(tokens), manager.create(mask)), false).singletonOrThrow();
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
        assertThat(a.get(":, :3, :").toDoubleArray()).containsExactly(b.get(":, :3, :").toDoubleArray());
        assertThat(a.get(":, 3, :").toDoubleArray()).isNotEqualTo(b.get(":, 3, :").toDoubleArray());
    }

    @Test
    void paddingLeftOrRightGivesTheUnpaddedLogits() {
        double[] plain = logits(new long[][] {{5, 7, 2}}, new long[][] {{1, 1, 1}}).toDoubleArray();
        NDArray padded = logits(new long[][] {{5, 7, 2, 0, 0}, {0, 0, 5, 7, 2}}, new long[][] {{1, 1, 1, 0, 0}, {0, 0, 1, 1, 1}});
        double[] right = padded.get("0, :3, :").toDoubleArray();
        double[] left = padded.get("1, 2:, :").toDoubleArray();
        for (int i = 0; i < plain.length; i++) {
            assertThat(right[i]).isCloseTo(plain[i], within(1e-9));
            assertThat(left[i]).isCloseTo(plain[i], within(1e-9));
        }
    }

    @Test
    void configValidationNamesTheFields() {
        assertThatThrownBy(() -> new Gpt2Config(10, 8, 50, 1, 6, 1e-5f)).hasMessage("n_embd 50 is not divisible by n_head 6");
        assertThatThrownBy(() -> new Gpt2Config(0, 8, 8, 1, 2, 1e-5f)).hasMessage("vocab_size must be >= 1, got 0");
    }
}
