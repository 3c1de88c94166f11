package dev.fuseflow.trainer.lora;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.HuggingFaceNames;

/**
 * The adapted model with its adapters switched off: the frozen reference of a LoRA preference
 * stage, computed by the same weights instead of a second copy of the model. It owns no
 * parameters (freezing it freezes nothing of the policy's); its Hugging Face parameters are the
 * base model's, so saving it saves the reference.
 */
final class WithoutAdapters extends AbstractBlock implements CausalLanguageModel {

    private final CausalLanguageModel model;
    private final LoraAdapters adapters;

    WithoutAdapters(CausalLanguageModel model, LoraAdapters adapters) {
        this.model = model;
        this.adapters = adapters;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        adapters.enable(false);
        try {
            return model.forward(ps, inputs, training, params);
        } finally {
            adapters.enable(true);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return model.getOutputShapes(inputShapes);
    }

    @Override
    public int contextLength() {
        return model.contextLength();
    }

    @Override
    public HuggingFaceNames huggingFaceParameters() {
        return model.huggingFaceParameters();
    }

    @Override
    public ObjectNode huggingFaceConfig() {
        return model.huggingFaceConfig();
    }

    @Override
    public boolean packsExactly(long length, long longestPosition) {
        return model.packsExactly(length, longestPosition);
    }

    @Override
    public NDList emptyKvCache(NDManager manager, long batch) {
        return model.emptyKvCache(manager, batch);
    }
}
