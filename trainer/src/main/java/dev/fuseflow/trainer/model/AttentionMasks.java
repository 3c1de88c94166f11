package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Causal-and-padding attention bias and mask-aware positions, shared by every architecture. */
public final class AttentionMasks {

    /** Large enough to zero a softmax weight, small enough to stay finite in float16. */
    static final float MASKED = -1e4f;

    private AttentionMasks() {}

    /** 0 where query i may look at key j (j <= i and j is a real token), MASKED elsewhere; shape (B, 1, T, T). */
    public static NDArray bias(NDArray mask, DataType dataType) {
        long t = mask.getShape().get(1);
        NDManager manager = mask.getManager();
        NDArray index = manager.arange(t);
        NDArray causal = index.expandDims(0).lte(index.expandDims(1)).toType(DataType.FLOAT32, false); // (T, T): j <= i
        NDArray keys = mask.toType(DataType.FLOAT32, false).expandDims(1).expandDims(1); // (B, 1, 1, T)
        NDArray allowed = causal.expandDims(0).expandDims(0).mul(keys); // (B, 1, T, T)
        return allowed.sub(1).mul(-MASKED).toType(dataType, false); // no-grad: masks are constants
    }

    /**
     * The bias of a packed row (see {@link ForwardInputs#packed}): several sequences that continue
     * one shared prefix, laid out one after another. {@code segments} (B, T) says which part each
     * token belongs to: 0 the prefix, s >= 1 the s-th continuation, -1 padding. Query i may look at
     * key j when j <= i and j is the prefix or in i's own continuation, so each continuation sees
     * exactly what it would see after the prefix on its own; shape (B, 1, T, T).
     */
    public static NDArray packedBias(NDArray segments, DataType dataType) {
        long t = segments.getShape().get(1);
        NDManager manager = segments.getManager();
        NDArray index = manager.arange(t);
        NDArray causal = index.expandDims(0).lte(index.expandDims(1)).expandDims(0); // (1, T, T): j <= i
        NDArray queries = segments.expandDims(2); // (B, T, 1)
        NDArray keys = segments.expandDims(1); // (B, 1, T)
        NDArray visible = keys.eq(0).logicalOr(keys.eq(queries)).logicalAnd(keys.gte(0)); // (B, T, T)
        NDArray allowed =
                visible.logicalAnd(causal).toType(DataType.FLOAT32, false).expandDims(1); // (B, 1, T, T)
        return allowed.sub(1).mul(-MASKED).toType(dataType, false); // no-grad: masks are constants
    }

    /** The rows of {@link #bias} for the last {@code queries} tokens only (a KV-cache step); shape (B, 1, N, T). */
    public static NDArray bias(NDArray mask, DataType dataType, long queries) {
        NDArray full = bias(mask, dataType);
        return queries == mask.getShape().get(1)
                ? full
                : full.get(":, :, {}:, :", mask.getShape().get(1) - queries);
    }

    /**
     * MASKED where key j lies {@code window} or more tokens before query i, 0 elsewhere; shape (T, S)
     * for a bias (B, 1, T, S) whose queries are the last T of S tokens (a KV-cache step). On token
     * indices, padding included, as Hugging Face's sliding-window mask is: added to {@link #bias}, it
     * leaves a query the keys {@code i - window < j <= i}.
     */
    public static NDArray slidingWindow(NDArray bias, int window) {
        long t = bias.getShape().get(2);
        long s = bias.getShape().get(3);
        NDManager manager = bias.getManager();
        NDArray queries = manager.arange((int) (s - t), (int) s).expandDims(1); // (T, 1)
        NDArray keys = manager.arange((int) s).expandDims(0); // (1, S)
        NDArray tooFar = queries.sub(keys).gte(window).toType(DataType.FLOAT32, false); // (T, S)
        return tooFar.mul(MASKED).toType(bias.getDataType(), false); // no-grad: masks are constants
    }

    /** {@link #positions} of the last {@code queries} tokens only; shape (B, N). */
    public static NDArray positions(NDArray mask, long queries) {
        NDArray all = positions(mask);
        return queries == mask.getShape().get(1)
                ? all
                : all.get(":, {}:", mask.getShape().get(1) - queries);
    }

    /** Positions that count real tokens only, so a left-padded row starts at 0 as Hugging Face's do; (B, T). */
    public static NDArray positions(NDArray mask) {
        return mask.toType(DataType.INT64, false).cumSum(1).sub(1).maximum(0); // no-grad: integer positions
    }
}
