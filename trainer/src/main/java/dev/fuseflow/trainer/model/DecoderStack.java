package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/** The loop over decoder layers that every architecture shares, KV cache included. */
public final class DecoderStack {

    private DecoderStack() {}

    /**
     * Runs x through the layers in order. Each layer gets x, then {@code shared} (masks, rotary
     * tables), then its own past keys and values when {@code past} is not empty.
     *
     * @return the last hidden states, followed by every layer's extended keys and values when cached
     */
    public static NDList run(
            List<? extends Block> layers, ParameterStore ps, NDArray x, NDList shared, NDList past, boolean training) {
        NDList present = new NDList();
        NDArray hidden = x;
        ActivationCheckpoints checkpoints = training && past.isEmpty() ? ActivationCheckpoints.current() : null;
        for (int i = 0; i < layers.size(); i++) {
            NDList layerInputs = new NDList(hidden);
            layerInputs.addAll(shared);
            if (!past.isEmpty()) {
                layerInputs.add(past.get(2 * i));
                layerInputs.add(past.get(2 * i + 1));
            }
            NDList layerOutput;
            if (checkpoints != null) {
                layerOutput = checkpoints.run(layers.get(i), ps, layerInputs, training);
            } else if (past.isEmpty()) {
                layerOutput = inScopeOfItsOwn(layers.get(i), ps, layerInputs, training);
            } else {
                layerOutput = layers.get(i).forward(ps, layerInputs, training);
            }
            if (checkpoints == null && past.isEmpty() && i > 0) {
                hidden.close(); // the previous layer's output, ours; the caller's x stays open
            }
            hidden = layerOutput.get(0);
            present.addAll(layerOutput.subNDList(1));
        }
        NDList output = new NDList(hidden);
        output.addAll(present);
        return output;
    }

    /**
     * Runs one layer with its intermediates in a manager of their own, closed when the layer is done.
     * DJL keeps every array until its manager closes, while PyTorch's graph keeps only what backward
     * needs: without this a forward pass held all its layers' intermediates (attention scores before
     * and after the mask, norms, activations) until the whole pass ended, and the largest batch that
     * fits the GPU was far below PyTorch's (docs/results.md, GPU). Results land in their first
     * operand's manager, so the layer's input is attached here for the layer's duration
     * ({@code tempAttachAll} hands it back on close) and the layer's output is moved out.
     * Only without a KV cache: cached keys and values belong to their caller's manager.
     */
    private static NDList inScopeOfItsOwn(Block layer, ParameterStore ps, NDList inputs, boolean training) {
        NDArray x = inputs.get(0);
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            scope.tempAttachAll(x);
            NDList output = layer.forward(ps, inputs, training);
            output.attach(owner);
            return output;
        }
    }

    /**
     * One pre-norm decoder layer, the wiring GPT-2 and Llama share: {@code x + attention(norm(x))},
     * then {@code x + mlp(norm(x))}. {@code inputs} is x followed by what the attention takes (masks,
     * rotary tables, past keys and values); the attention's extra outputs (extended keys and
     * values, if cached) come back after x.
     */
    public static NDList preNormLayer(
            ParameterStore ps,
            NDList inputs,
            boolean training,
            Block attentionNorm,
            Block attention,
            Block mlpNorm,
            Block mlp) {
        NDArray x = inputs.get(0);
        NDArray h = attentionNorm.forward(ps, new NDList(x), training).singletonOrThrow();
        NDList attentionInputs = inputs.subNDList(1);
        attentionInputs.add(0, h);
        NDList attended = attention.forward(ps, attentionInputs, training);
        x = x.add(attended.get(0));
        h = mlpNorm.forward(ps, new NDList(x), training).singletonOrThrow();
        h = mlp.forward(ps, new NDList(h), training).singletonOrThrow();
        NDList output = new NDList(x.add(h));
        output.addAll(attended.subNDList(1)); // keys and values, if cached
        return output;
    }

    /** Keys and values of no tokens, one pair per layer, each (B, heads, 0, head size). */
    public static NDList emptyCache(NDManager manager, int layers, long batch, int heads, int headSize, DataType type) {
        NDList cache = new NDList();
        for (int i = 0; i < 2 * layers; i++) {
            cache.add(manager.zeros(new Shape(batch, heads, 0, headSize), type));
        }
        return cache;
    }
}
