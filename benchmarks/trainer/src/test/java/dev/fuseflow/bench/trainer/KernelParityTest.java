package dev.fuseflow.bench.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.kernels.AttentionKernel;
import org.junit.jupiter.api.Test;

/** The kernel check's own arithmetic on the CPU (CI has no native library; the GPU run is in docs/results.md). */
class KernelParityTest {

    @Test
    void aKernelAgainstItselfHasNoError() {
        for (KernelParity.Case c : KernelParity.parityCases(2, 4, 2, 8, 4)) {
            if (c.type() == DataType.FLOAT16) {
                continue; // float16 matmuls are a GPU matter
            }
            KernelParity.Errors errors = KernelParity.compare(c, Device.cpu(), 1, AttentionKernel.djl());
            assertThat(errors.worstRel()).as(c.toString()).isZero();
            assertThat(errors.outputAbs()).isZero();
        }
    }

    /** A kernel off by 1% in its scale must show in the output and in each gradient, in float32 too. */
    @Test
    void aKernelThatDiffersShowsInTheOutputAndEveryGradient() {
        AttentionKernel djl = AttentionKernel.djl();
        AttentionKernel offByOnePercent = new AttentionKernel() {
            @Override
            public NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, double scale) {
                return djl.attend(q, k, v, bias, scale * 1.01);
            }

            @Override
            public NDArray attendCausal(NDArray q, NDArray k, NDArray v, double scale) {
                return djl.attendCausal(q, k, v, scale * 1.01);
            }

            @Override
            public boolean isNative() {
                return false;
            }
        };
        for (KernelParity.Case c : KernelParity.parityCases(2, 4, 2, 8, 4)) {
            if (c.type() == DataType.FLOAT16) {
                continue;
            }
            KernelParity.Errors errors = KernelParity.compare(c, Device.cpu(), 1, offByOnePercent);
            assertThat(errors.outputRel()).as(c.toString()).isGreaterThan(1e-5);
            for (double rel : errors.gradientRel()) {
                assertThat(rel).as(c + " gradient").isGreaterThan(1e-5);
            }
        }
    }

    @Test
    void theCasesCoverBothTypesMasksAndGroupings() {
        assertThat(KernelParity.parityCases(2, 8, 2, 16, 8))
                .hasSize(8)
                .extracting(KernelParity.Case::toString)
                .contains(
                        "B=2 nh=8 nkv=2 T=16 d=8 float16 causal+padding bias",
                        "B=2 nh=8 nkv=8 T=16 d=8 float32 causal");
        assertThat(KernelParity.parityCases(2, 8, 8, 16, 8)).hasSize(4);
        assertThatThrownBy(() -> new KernelParity.Case(1, 8, 3, 4, 4, DataType.FLOAT32, true))
                .hasMessageContaining("heads 8 are not a multiple of kv-heads 3");
    }

    @Test
    void timingRunsOnTheCpu() {
        KernelParity.Case tiny = new KernelParity.Case(1, 2, 2, 8, 4, DataType.FLOAT32, true);
        assertThat(KernelParity.millisPerPass(AttentionKernel.djl(), tiny, Device.cpu(), 1, 2))
                .isPositive();
    }
}
