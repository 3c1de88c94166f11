package dev.fuseflow.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The pure-DJL RMSNorm on rows computed by hand: (3, 4) has rms sqrt(12.5). */
class RmsNormKernelTest {

    @Test
    void dividesEachRowByItsRootMeanSquareAndScales() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(new float[] {3, 4, 0, 0}, new Shape(2, 2));
            NDArray weight = manager.create(new float[] {1, 2});

            float[] y = RmsNormKernel.djlNormalize(x, weight, 0.0).toFloatArray();

            double rms = Math.sqrt(12.5);
            assertThat(y[0]).isCloseTo((float) (3 / rms), within(1e-6f));
            assertThat(y[1]).isCloseTo((float) (2 * 4 / rms), within(1e-6f));
        }
    }

    @Test
    void float16RowsPastTheSquaresOverflowStayFinite() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(new float[] {300, 400}, new Shape(1, 2)).toType(DataType.FLOAT16, false);
            NDArray weight = manager.ones(new Shape(2), DataType.FLOAT16);

            float[] y = RmsNormKernel.djlNormalize(x, weight, 1e-6)
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();

            double rms = Math.sqrt(125_000);
            assertThat(y[0]).isCloseTo((float) (300 / rms), within(2e-3f));
            assertThat(y[1]).isCloseTo((float) (400 / rms), within(2e-3f));
        }
    }
}
