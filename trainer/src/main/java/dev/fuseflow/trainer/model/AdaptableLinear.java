package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Optional;

/**
 * A linear layer (PyTorch's {@code nn.Linear}, or GPT-2's {@code Conv1D} once transposed) that
 * can carry a {@link LowRankAdapter}: {@code y = x Wᵀ + b + scaling * (x Aᵀ) Bᵀ}. Without one, or
 * with it disabled, it is a plain {@link Linear}. The projections of attention and MLP blocks are
 * made of this; output heads are not (PEFT's "all-linear" leaves them out too).
 */
public final class AdaptableLinear extends Linear {

    private LowRankAdapter adapter;

    public AdaptableLinear(long units, boolean bias) {
        super(Linear.builder().setUnits(units).optBias(bias));
    }

    /** Gives the layer its adapter; once, after the layer's weights exist. */
    public void attach(LowRankAdapter lowRank) {
        if (adapter != null) {
            throw new IllegalStateException("the layer already has an adapter");
        }
        adapter = addChildBlock("lora", lowRank);
    }

    public Optional<LowRankAdapter> adapter() {
        return Optional.ofNullable(adapter);
    }

    public Parameter weight() {
        return getParameters().get("weight");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList base = super.forwardInternal(ps, inputs, training, params); // (B, T, out)
        if (adapter == null || !adapter.enabled()) {
            return base;
        }
        NDArray frozen = base.singletonOrThrow();
        NDArray update = adapter.forward(ps, inputs, training, params).singletonOrThrow(); // (B, T, out)
        NDArray sum = frozen.add(update);
        // The addends are no input of any backward: closing their handles frees them now rather than with the
        // caller's manager (a checkpointed layer's recomputation held every projection's three outputs at once).
        frozen.close();
        update.close();
        return new NDList(sum);
    }

    /**
     * A new float32 array of the weight with the adapter folded in ({@code W + scaling * B A}),
     * leaving the layer as it is: what a merged copy of the model holds for this layer.
     */
    public NDArray mergedWeight() {
        GradMode.offForThisThread(); // publication runs outside the training step: nothing to record
        try (NDArray delta = adapter.weightDelta();
                NDArray wide = weight().getArray().toType(DataType.FLOAT32, true)) {
            return wide.add(delta);
        }
    }

    /**
     * Folds the adapter into the weight ({@code W += scaling * B A}, summed in float32 and rounded
     * once into the weight's type) and starts the adapter afresh: the layer computes as before.
     */
    public void mergeAdapter() {
        GradMode.offForThisThread(); // an in-place write into a weight
        NDArray w = weight().getArray();
        try (NDArray delta = adapter.weightDelta();
                NDArray wide = w.toType(DataType.FLOAT32, true);
                NDArray sum = wide.add(delta);
                NDArray merged = sum.toType(w.getDataType(), false)) {
            w.set(new NDIndex("..."), merged);
        }
        adapter.reset();
    }
}
