package dev.fuseflow.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The multi-tensor operations against the same arithmetic done element by element (where FUSEFLOW_NATIVE_LIBRARY is set). */
class MultiTensorTest {

    @BeforeEach
    void needsTheLibrary() {
        assumeTrue(NativeKernels.available(), "FUSEFLOW_NATIVE_LIBRARY is not set");
    }

    @Test
    void widenedCopiesAreFloat32TimesTheInverseScaleAndLeaveTheSourcesAlone() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.create(new float[] {1024, -2048, 4}).toType(DataType.FLOAT16, false);
            NDArray b = manager.create(new float[] {8, 16}, new Shape(2, 1)).toType(DataType.FLOAT16, false);

            List<NDArray> wide = MultiTensor.widened(List.of(a, b), manager.create(1f / 1024));

            assertThat(wide.get(0).getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(wide.get(0).toFloatArray()).containsExactly(1f, -2f, 4f / 1024);
            assertThat(wide.get(1).getShape()).isEqualTo(new Shape(2, 1));
            assertThat(wide.get(1).toFloatArray()).containsExactly(8f / 1024, 16f / 1024);
            assertThat(a.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(1024f, -2048f, 4f);
        }
    }

    @Test
    void theGlobalNormIsTheNormOfAllElementsAndScalingAndZeroingActInPlace() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.create(new float[] {3, 4});
            NDArray b = manager.create(new float[] {12}, new Shape(1, 1));

            assertThat(MultiTensor.globalNorm(List.of(a, b))).isCloseTo(13.0, within(1e-6));

            MultiTensor.scale(List.of(a, b), manager.create(0.5f));
            assertThat(a.toFloatArray()).containsExactly(1.5f, 2f);
            assertThat(b.toFloatArray()).containsExactly(6f);

            MultiTensor.zero(List.of(a, b));
            assertThat(a.toFloatArray()).containsExactly(0f, 0f);
            assertThat(b.toFloatArray()).containsExactly(0f);
            assertThat(MultiTensor.globalNorm(List.of())).isZero();
        }
    }

    @Test
    void copyRoundsFloat32SourcesIntoFloat16TargetsAndRefusesMismatchedLists() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray master = manager.create(new float[] {1.0001f, 3.5f, -70000f});
            NDArray weight = manager.zeros(new Shape(3), DataType.FLOAT16);

            MultiTensor.copy(List.of(weight), List.of(master));

            float[] expected = master.toType(DataType.FLOAT16, false)
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();
            assertThat(weight.getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(weight.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(expected);
            assertThatThrownBy(() -> MultiTensor.copy(List.of(weight), List.of(master, master)))
                    .hasMessageContaining("one source per target");
        }
    }
}
