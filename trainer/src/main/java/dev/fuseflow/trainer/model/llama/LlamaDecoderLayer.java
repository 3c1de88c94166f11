package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fuseflow.trainer.model.DecoderStack;
import dev.fuseflow.trainer.model.HuggingFaceNames;
import dev.fuseflow.trainer.model.ShapePreservingBlock;

/**
 * {@code x + attn(input_layernorm(x))}, then {@code x + mlp(post_attention_layernorm(x))}. Inputs: x,
 * bias, cos, sin, and with a KV cache the past keys and values, which come back extended after x.
 */
final class LlamaDecoderLayer extends ShapePreservingBlock {

    private final RmsNorm inputLayernorm;
    private final LlamaAttention selfAttn;
    private final RmsNorm postAttentionLayernorm;
    private final LlamaMlp mlp;

    LlamaDecoderLayer(LlamaConfig config, int layer) {
        inputLayernorm = addChildBlock("input_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
        selfAttn = addChildBlock("self_attn", new LlamaAttention(config, layer));
        postAttentionLayernorm =
                addChildBlock("post_attention_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
        mlp = addChildBlock("mlp", new LlamaMlp(config));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return DecoderStack.preNormLayer(ps, inputs, training, inputLayernorm, selfAttn, postAttentionLayernorm, mlp);
    }

    void huggingFaceParameters(String prefix, HuggingFaceNames names) {
        names.plain(prefix + "input_layernorm.weight", inputLayernorm.weight());
        selfAttn.huggingFaceParameters(prefix + "self_attn.", names);
        names.plain(prefix + "post_attention_layernorm.weight", postAttentionLayernorm.weight());
        mlp.huggingFaceParameters(prefix + "mlp.", names);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        inputLayernorm.initialize(manager, dataType, inputShapes[0]);
        selfAttn.initialize(manager, dataType, inputShapes);
        postAttentionLayernorm.initialize(manager, dataType, inputShapes[0]);
        mlp.initialize(manager, dataType, inputShapes[0]);
    }
}
