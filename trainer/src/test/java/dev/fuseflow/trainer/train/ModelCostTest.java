package dev.fuseflow.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import org.junit.jupiter.api.Test;

class ModelCostTest {

    /** The 0.477 B Llama of the GPU benchmark (benchmarks/trainer's WrpoBenchmark). */
    private static final LlamaConfig LLAMA_0_5B = LlamaConfig.of(32_000, 1024, 2816, 32, 16, 16, 2048);

    private static final double H200_PEAK_FLOPS = 990e12;

    @Test
    void aTiedHeadIsCountedOnceAndAnExplicitHeadDimIsUsed() {
        LlamaConfig plain = LlamaConfig.of(300, 64, 160, 3, 4, 2, 128);
        LlamaConfig tiedWide = new LlamaConfig(
                300, 64, 3, LlamaConfig.Attention.plain(4, 2, 24), plain.mlp(), plain.rope(), plain.rmsNormEps(), true);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = new LlamaForCausalLm(tiedWide);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
            long counted = model.getParameters().values().stream()
                    .mapToLong(p -> p.getArray().getShape().size())
                    .sum();
            assertThat(new ModelCost(tiedWide, 1, 16).parameters()).isEqualTo(counted);
        }
    }

    @Test
    void theParameterCountIsTheModelsOwn() {
        LlamaConfig small = LlamaConfig.of(300, 64, 160, 3, 4, 2, 128);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = new LlamaForCausalLm(small);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
            long counted = model.getParameters().values().stream()
                    .mapToLong(p -> p.getArray().getShape().size())
                    .sum();
            assertThat(new ModelCost(small, 1, 16).parameters()).isEqualTo(counted);
        }
        assertThat(new ModelCost(LLAMA_0_5B, 1, 1024).parameters() / 1e9).isCloseTo(0.48, within(0.02));
    }

    @Test
    void anUpdateIsFourForwardsOverThreeSequencesPerSample() {
        ModelCost cost = new ModelCost(LLAMA_0_5B, 8, 1024);
        assertThat(cost.flopsPerUpdate()).isEqualTo(8 * 3 * 4 * cost.forwardFlopsPerSequence());
        // 2 FLOPs per matmul weight per token dominate; attention adds 4 L T^2 C.
        assertThat(cost.forwardFlopsPerSequence()).isGreaterThan(2.0 * cost.matmulParameters() * 1024);
        assertThat(cost.tokensPerUpdate()).isEqualTo(3L * 8 * 1024);
        assertThat(cost.utilisation(1.0, H200_PEAK_FLOPS)).isEqualTo(cost.flopsPerUpdate() / 990e12);
    }

    @Test
    void theMemoryEstimateGrowsWithTheBatchAndFloat32CostsMore() {
        ModelCost one = new ModelCost(LLAMA_0_5B, 1, 1024);
        ModelCost eight = new ModelCost(LLAMA_0_5B, 8, 1024);
        assertThat(eight.estimatedPeakBytes(Precision.FP16_MIXED))
                .isGreaterThan(one.estimatedPeakBytes(Precision.FP16_MIXED));
        assertThat(eight.estimatedPeakBytes(Precision.TF32))
                .isGreaterThan(eight.estimatedPeakBytes(Precision.FP16_MIXED));
    }
}
