package dev.fuseflow.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Casts that keep the graph: widening without the library, narrowing refused with what to do. */
class TensorCastsTest {

    @Test
    void wideningKeepsTheGradientPath() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(new float[] {1f, 2f, 3f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray wide = TensorCasts.castKeepingGraph(x, DataType.FLOAT64);
                assertThat(wide.getDataType()).isEqualTo(DataType.FLOAT64);
                collector.backward(wide.mul(wide).sum()); // d/dx x^2 = 2x
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(2f, 4f, 6f);
        }
    }

    @Test
    void theSameTypeIsTheSameArray() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(new float[] {1f});
            assertThat(TensorCasts.castKeepingGraph(x, DataType.FLOAT32)).isSameAs(x);
        }
    }

    @Test
    void narrowingWithoutTheLibraryNamesTheVariable() {
        if (System.getenv(NativeKernels.LIBRARY_VARIABLE) != null) {
            return; // with the library, narrowing works: the GPU kernel check covers it
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(new float[] {1f});
            assertThatThrownBy(() -> TensorCasts.castKeepingGraph(x, DataType.FLOAT16))
                    .isInstanceOf(NativeKernelException.class)
                    .hasMessageContaining("from float32 to float16")
                    .hasMessageContaining("FUSEFLOW_NATIVE_LIBRARY");
            assertThatThrownBy(() -> TensorCasts.castKeepingGraph(x, DataType.INT32))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
