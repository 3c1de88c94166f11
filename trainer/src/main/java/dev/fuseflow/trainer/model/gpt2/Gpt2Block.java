package dev.fuseflow.trainer.model.gpt2;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fuseflow.trainer.model.DecoderStack;
import dev.fuseflow.trainer.model.HuggingFaceNames;
import dev.fuseflow.trainer.model.ShapePreservingBlock;

/**
 * One pre-norm decoder layer: {@code x + attn(ln_1(x))}, then {@code x + mlp(ln_2(x))}. Inputs: x,
 * attention bias, and with a KV cache the past keys and values, which come back extended after x.
 */
final class Gpt2Block extends ShapePreservingBlock {

    private final LayerNorm ln1;
    private final CausalSelfAttention attn;
    private final LayerNorm ln2;
    private final Gpt2Mlp mlp;

    Gpt2Block(Gpt2Config config) {
        ln1 = addChildBlock(
                "ln_1",
                LayerNorm.builder()
                        .axis(2)
                        .optEpsilon(config.layerNormEpsilon())
                        .build());
        attn = addChildBlock("attn", new CausalSelfAttention(config));
        ln2 = addChildBlock(
                "ln_2",
                LayerNorm.builder()
                        .axis(2)
                        .optEpsilon(config.layerNormEpsilon())
                        .build());
        mlp = addChildBlock("mlp", new Gpt2Mlp(config));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return DecoderStack.preNormLayer(ps, inputs, training, ln1, attn, ln2, mlp);
    }

    void huggingFaceParameters(String prefix, HuggingFaceNames names) {
        names.layerNorm(prefix + "ln_1", ln1);
        attn.huggingFaceParameters(prefix + "attn.", names);
        names.layerNorm(prefix + "ln_2", ln2);
        mlp.huggingFaceParameters(prefix + "mlp.", names);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        ln1.initialize(manager, dataType, inputShapes[0]);
        attn.initialize(manager, dataType, inputShapes);
        ln2.initialize(manager, dataType, inputShapes[0]);
        mlp.initialize(manager, dataType, inputShapes[0]);
    }
}
