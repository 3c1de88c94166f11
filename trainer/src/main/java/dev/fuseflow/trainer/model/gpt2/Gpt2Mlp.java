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

/** The feed-forward block: {@code c_fc} to 4C, GELU (tanh form, GPT-2's "gelu_new"), {@code c_proj} back to C. */
final class Gpt2Mlp extends ShapePreservingBlock {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private final Gpt2Config config;
    private final AdaptableLinear cFc;
    private final AdaptableLinear cProj;

    Gpt2Mlp(Gpt2Config config) {
        this.config = config;
        this.cFc = addChildBlock("c_fc", new AdaptableLinear(4L * config.nEmbd(), true));
        this.cProj = addChildBlock("c_proj", new AdaptableLinear(config.nEmbd(), true));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = cFc.forward(ps, inputs, training).singletonOrThrow(); // (B, T, 4C)
        return cProj.forward(ps, new NDList(geluNew(h)), training); // (B, T, C)
    }

    /** 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). */
    static NDArray geluNew(NDArray x) {
        NDArray inner =
                x.add(x.mul(x).mul(x).mul(Scalar.constant(x, 0.044715))).mul(Scalar.constant(x, SQRT_2_OVER_PI));
        return x.mul(Scalar.constant(x, 0.5)).mul(inner.tanh().add(Scalar.constant(x, 1)));
    }

    /** Hugging Face names of this block's parameters under {@code prefix} (e.g. {@code transformer.h.0.mlp.}). */
    void huggingFaceParameters(String prefix, HuggingFaceNames names) {
        names.conv1d(prefix + "c_fc", cFc);
        names.conv1d(prefix + "c_proj", cProj);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        cFc.initialize(manager, dataType, x);
        cProj.initialize(manager, dataType, new Shape(x.get(0), x.get(1), 4L * config.nEmbd()));
    }
}
