package dev.fuseflow.trainer.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fuseflow.trainer.model.AdaptableLinear;
import dev.fuseflow.trainer.model.HuggingFaceNames;
import dev.fuseflow.trainer.model.Scalar;
import dev.fuseflow.trainer.model.ShapePreservingBlock;

/**
 * Multi-head causal self-attention: one fused projection to q, k, v ({@code c_attn}), scaled dot
 * products with an additive bias that hides future and padding positions, and the output
 * projection ({@code c_proj}). Inputs: x (B, T, C) and the bias (B, 1, T, S), and with a KV cache
 * the past keys and values (B, nh, S - T, hs); then the output is followed by the keys and values (B, nh, S, hs).
 */
final class CausalSelfAttention extends ShapePreservingBlock {

    private final Gpt2Config config;
    private final AdaptableLinear cAttn;
    private final AdaptableLinear cProj;

    CausalSelfAttention(Gpt2Config config) {
        this.config = config;
        this.cAttn = addChildBlock("c_attn", new AdaptableLinear(3L * config.nEmbd(), true));
        this.cProj = addChildBlock("c_proj", new AdaptableLinear(config.nEmbd(), true));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray bias = inputs.get(1);
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int nh = config.nHead();
        int hs = config.headSize();
        NDList qkv =
                cAttn.forward(ps, new NDList(x), training).singletonOrThrow().split(3, 2); // 3 x (B, T, C)
        NDArray q = qkv.get(0).reshape(b, t, nh, hs).transpose(0, 2, 1, 3); // (B, nh, T, hs)
        NDArray k = qkv.get(1).reshape(b, t, nh, hs).transpose(0, 2, 1, 3); // (B, nh, T, hs)
        NDArray v = qkv.get(2).reshape(b, t, nh, hs).transpose(0, 2, 1, 3); // (B, nh, T, hs)
        boolean cached = inputs.size() > 2;
        if (cached) {
            k = inputs.get(2).concat(k, 2); // (B, nh, S, hs)
            v = inputs.get(3).concat(v, 2); // (B, nh, S, hs)
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2))
                .div(Scalar.constant(q, Math.sqrt(hs)))
                .add(bias); // (B, nh, T, S)
        // In the model's own type: DJL 0.36's toType cuts the autograd graph, so no float32 detour here.
        NDArray weights = scores.softmax(-1); // (B, nh, T, S)
        NDArray y = weights.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.nEmbd()); // (B, T, C)
        NDList output = cProj.forward(ps, new NDList(y), training);
        return cached ? new NDList(output.singletonOrThrow(), k, v) : output;
    }

    void huggingFaceParameters(String prefix, HuggingFaceNames names) {
        names.conv1d(prefix + "c_attn", cAttn);
        names.conv1d(prefix + "c_proj", cProj);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        cAttn.initialize(manager, dataType, inputShapes[0]);
        cProj.initialize(manager, dataType, inputShapes[0]);
    }
}
