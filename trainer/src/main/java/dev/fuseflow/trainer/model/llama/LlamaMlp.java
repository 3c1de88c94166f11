package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fuseflow.trainer.kernels.SwiGluKernel;
import dev.fuseflow.trainer.model.AdaptableLinear;
import dev.fuseflow.trainer.model.HuggingFaceNames;
import dev.fuseflow.trainer.model.ShapePreservingBlock;

/** SwiGLU feed-forward: {@code down_proj(silu(gate_proj(x)) * up_proj(x))}, with biases when {@code mlp_bias}. */
final class LlamaMlp extends ShapePreservingBlock {

    private final LlamaConfig config;
    private final AdaptableLinear gateProj;
    private final AdaptableLinear upProj;
    private final AdaptableLinear downProj;

    LlamaMlp(LlamaConfig config) {
        this.config = config;
        boolean bias = config.mlp().bias();
        gateProj = addChildBlock("gate_proj", new AdaptableLinear(config.intermediateSize(), bias));
        upProj = addChildBlock("up_proj", new AdaptableLinear(config.intermediateSize(), bias));
        downProj = addChildBlock("down_proj", new AdaptableLinear(config.hiddenSize(), bias));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray gate = gateProj.forward(ps, inputs, training).singletonOrThrow(); // (B, T, I)
        NDArray up = upProj.forward(ps, inputs, training).singletonOrThrow(); // (B, T, I)
        return downProj.forward(ps, new NDList(SwiGluKernel.apply(gate, up)), training); // (B, T, C)
    }

    void huggingFaceParameters(String prefix, HuggingFaceNames names) {
        names.linear(prefix + "gate_proj", gateProj);
        names.linear(prefix + "up_proj", upProj);
        names.linear(prefix + "down_proj", downProj);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        gateProj.initialize(manager, dataType, x);
        upProj.initialize(manager, dataType, x);
        downProj.initialize(manager, dataType, new Shape(x.get(0), x.get(1), config.intermediateSize()));
    }
}
