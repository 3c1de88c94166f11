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
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Log-probs of chosen positions from hidden states and the output projection: the DJL math against
 * a hand computation, and, where FUSEFLOW_NATIVE_LIBRARY is set (a developer's machine, the GPU
 * machine's kernel-check), the chunked native kernel against the DJL math, values and gradients.
 */
class TokenLogpsKernelTest {

    @Test
    void scoresOnlyTheChosenRowsWithTheirTargets() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // B=1, T=2, C=2; V=3. Row 1's logits are (h·w_v) = (1, 0, 2) for h = (1, 0).
            NDArray hidden = manager.create(new float[] {9, 9, 1, 0}, new Shape(1, 2, 2));
            NDArray weight = manager.create(new float[] {1, 0, 0, 1, 2, 5}, new Shape(3, 2));
            NDArray rows = manager.create(new long[] {1, 1});
            NDArray targets = manager.create(new long[] {2, 0});

            float[] logps =
                    TokenLogpsKernel.logps(hidden, weight, rows, targets).toFloatArray();

            double logSumExp = Math.log(Math.exp(1) + Math.exp(0) + Math.exp(2));
            assertThat(logps).hasSize(2);
            assertThat(logps[0]).isCloseTo((float) (2 - logSumExp), within(1e-6f));
            assertThat(logps[1]).isCloseTo((float) (1 - logSumExp), within(1e-6f));
        }
    }

    @Test
    void chunksSmallEnoughForA128kVocabularyAndNeverEmpty() {
        assertThat(TokenLogpsKernel.chunkRows(128_256) * 4L * 128_256)
                .isLessThanOrEqualTo(TokenLogpsKernel.CHUNK_BYTES);
        assertThat(TokenLogpsKernel.chunkRows(128_256)).isGreaterThan(256);
        assertThat(TokenLogpsKernel.chunkRows(Long.MAX_VALUE / 8)).isEqualTo(1);
    }

    @Test
    void theNativeKernelMatchesTheDjlMathInValuesAndGradients() {
        assumeTrue(NativeKernels.available(), "FUSEFLOW_NATIVE_LIBRARY is not set");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(7);
            NDArray hidden = manager.randomNormal(0, 1, new Shape(37, 16), DataType.FLOAT32, manager.getDevice());
            NDArray weight = manager.randomNormal(0, 0.5f, new Shape(50, 16), DataType.FLOAT32, manager.getDevice());
            NDArray targets = manager.randomInteger(0, 50, new Shape(37), DataType.INT64);
            NDArray upstream = manager.randomNormal(0, 1, new Shape(37), DataType.FLOAT32, manager.getDevice());
            // 5 rows a chunk: 8 chunks, the last one of 2 rows.
            NDList reference =
                    forwardBackward(hidden, weight, upstream, (h, w) -> TokenLogpsKernel.djlLogps(h, w, targets));
            NDList chunked =
                    forwardBackward(hidden, weight, upstream, (h, w) -> TokenLogpsKernel.nativeLogps(h, w, targets, 5));
            for (int i = 0; i < 3; i++) {
                float[] expected = reference.get(i).toFloatArray();
                float[] actual = chunked.get(i).toFloatArray();
                for (int j = 0; j < expected.length; j++) {
                    assertThat(actual[j]).as("output %d element %d", i, j).isCloseTo(expected[j], within(1e-5f));
                }
            }
        }
    }

    /** (log-probs, d/d hidden, d/d weight) of sum(upstream · logps). */
    private static NDList forwardBackward(
            NDArray hidden, NDArray weight, NDArray upstream, BiFunction<NDArray, NDArray, NDArray> logps) {
        NDArray h = hidden.duplicate();
        NDArray w = weight.duplicate();
        h.setRequiresGradient(true);
        w.setRequiresGradient(true);
        NDArray out;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            out = logps.apply(h, w);
            collector.backward(out.mul(upstream).sum());
        }
        return new NDList(
                out.duplicate(), h.getGradient().duplicate(), w.getGradient().duplicate());
    }
}
