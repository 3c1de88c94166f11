package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fuseflow.trainer.kernels.AttentionKernel;
import dev.fuseflow.trainer.model.AdaptableLinear;
import dev.fuseflow.trainer.model.AttentionMasks;
import dev.fuseflow.trainer.model.HuggingFaceNames;
import dev.fuseflow.trainer.model.ShapePreservingBlock;

/**
 * Grouped-query attention with rotary positions: {@code q_proj} to nh heads, {@code k_proj} and
 * {@code v_proj} to nkv heads each shared by nh / nkv query heads, {@code o_proj} back; biases as
 * the config's {@link LlamaConfig.ProjectionBias} says; Qwen3's per-head {@code q_norm} and
 * {@code k_norm} before the rotation when the config has them; a sliding window on the layers that
 * use one. Inputs: x (B, T, C), bias (B, 1, T, S), cos and sin (B, 1, T, d), and with a KV cache
 * the past keys and values (B, nkv, S - T, d); then the output is followed by the keys and values
 * (B, nkv, S, d).
 */
final class LlamaAttention extends ShapePreservingBlock {

    private final LlamaConfig config;
    private final int slidingWindow;
    private final AdaptableLinear qProj;
    private final AdaptableLinear kProj;
    private final AdaptableLinear vProj;
    private final AdaptableLinear oProj;
    /** Qwen3's per-head norms; null where the config has none. */
    private final RmsNorm qNorm;

    private final RmsNorm kNorm;
    /** softmax(q kᵀ / sqrt(d) + bias) v: libtorch's fused attention where FuseFlow's native library is loaded. */
    private final AttentionKernel kernel = AttentionKernel.best();

    LlamaAttention(LlamaConfig config, int layer) {
        this.config = config;
        this.slidingWindow = config.attention().window().sizeAt(layer);
        int d = config.headDim();
        boolean qkvBias = config.attention().bias() != LlamaConfig.ProjectionBias.NONE;
        qProj = addChildBlock("q_proj", projection((long) config.numAttentionHeads() * d, qkvBias));
        kProj = addChildBlock("k_proj", projection((long) config.numKeyValueHeads() * d, qkvBias));
        vProj = addChildBlock("v_proj", projection((long) config.numKeyValueHeads() * d, qkvBias));
        oProj = addChildBlock(
                "o_proj", projection(config.hiddenSize(), config.attention().bias() == LlamaConfig.ProjectionBias.ALL));
        qNorm = config.attention().qkNorm() ? addChildBlock("q_norm", new RmsNorm(d, config.rmsNormEps())) : null;
        kNorm = config.attention().qkNorm() ? addChildBlock("k_norm", new RmsNorm(d, config.rmsNormEps())) : null;
    }

    private static AdaptableLinear projection(long units, boolean bias) {
        return new AdaptableLinear(units, bias);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int d = config.headDim();
        int nh = config.numAttentionHeads();
        int nkv = config.numKeyValueHeads();
        NDArray q = normalized(qNorm, ps, heads(qProj, ps, x, nh, training), training); // (B, nh, T, d)
        NDArray k = normalized(kNorm, ps, heads(kProj, ps, x, nkv, training), training); // (B, nkv, T, d)
        NDArray v = heads(vProj, ps, x, nkv, training); // (B, nkv, T, d)
        q = RotaryEmbedding.apply(q, inputs.get(2), inputs.get(3));
        k = RotaryEmbedding.apply(k, inputs.get(2), inputs.get(3));
        boolean cached = inputs.size() > 4;
        if (cached) {
            k = inputs.get(4).concat(k, 2); // (B, nkv, S, d)
            v = inputs.get(5).concat(v, 2); // (B, nkv, S, d)
        }
        NDArray bias = inputs.get(1); // (B, 1, T, S)
        if (slidingWindow > 0) {
            bias = bias.add(AttentionMasks.slidingWindow(bias, slidingWindow)); // (B, 1, T, S)
        }
        NDArray y = kernel.attend(q, k, v, bias, 1 / Math.sqrt(d)) // (B, nh, T, d)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, (long) nh * d); // (B, T, nh*d)
        NDList output = oProj.forward(ps, new NDList(y), training);
        return cached ? new NDList(output.singletonOrThrow(), k, v) : output;
    }

    private static NDArray heads(
            AdaptableLinear projection, ParameterStore ps, NDArray x, int count, boolean training) {
        NDArray projected = projection.forward(ps, new NDList(x), training).singletonOrThrow(); // (B, T, count*d)
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        return projected.reshape(b, t, count, -1).transpose(0, 2, 1, 3); // (B, count, T, d)
    }

    /** Qwen3's per-head RMSNorm over d, or x as it is where the config has none. */
    private static NDArray normalized(RmsNorm norm, ParameterStore ps, NDArray x, boolean training) {
        return norm == null ? x : norm.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    void huggingFaceParameters(String prefix, HuggingFaceNames names) {
        names.linear(prefix + "q_proj", qProj);
        names.linear(prefix + "k_proj", kProj);
        names.linear(prefix + "v_proj", vProj);
        names.linear(prefix + "o_proj", oProj);
        if (qNorm != null) {
            names.plain(prefix + "q_norm.weight", qNorm.weight());
            names.plain(prefix + "k_norm.weight", kNorm.weight());
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        qProj.initialize(manager, dataType, x);
        kProj.initialize(manager, dataType, x);
        vProj.initialize(manager, dataType, x);
        oProj.initialize(
                manager, dataType, new Shape(x.get(0), x.get(1), (long) config.numAttentionHeads() * config.headDim()));
        if (qNorm != null) {
            qNorm.initialize(
                    manager, dataType, new Shape(x.get(0), config.numAttentionHeads(), x.get(1), config.headDim()));
            kNorm.initialize(
                    manager, dataType, new Shape(x.get(0), config.numKeyValueHeads(), x.get(1), config.headDim()));
        }
    }
}
