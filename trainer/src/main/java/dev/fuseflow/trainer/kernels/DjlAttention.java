package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.model.Scalar;

/**
 * Attention as DJL operations, the math of the Llama attention block: keys and values repeated per
 * group, the (B, nh, T, S) score matrix, softmax, and the weighted sum. Runs wherever DJL runs.
 */
final class DjlAttention implements AttentionKernel {

    /** The bias of a masked pair: zeroes a softmax weight and stays finite in float16. */
    private static final float MASKED = -1e4f;

    /** float16's lowest finite value, to which a wider bias is clamped before it narrows. */
    private static final float FLOAT16_LOWEST = -65504f;

    @Override
    public NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, double scale) {
        int groups = AttentionShapes.groups(q, k, v);
        AttentionShapes.requireBias(bias, q, k);
        return weightedValues(q, k, v, groups, scale, inTypeOf(q, bias));
    }

    @Override
    public NDArray attendCausal(NDArray q, NDArray k, NDArray v, double scale) {
        int groups = AttentionShapes.groups(q, k, v);
        AttentionShapes.requireSquare(q, k);
        long t = q.getShape().get(2);
        NDArray index = q.getManager().arange(0f, t, 1f, DataType.FLOAT32, q.getDevice()); // (T)
        NDArray allowed = index.expandDims(0).lte(index.expandDims(1)); // (T, T): key j <= query i
        NDArray causal = allowed.toType(q.getDataType(), false).sub(1).mul(-MASKED); // no-grad: a constant mask
        return weightedValues(q, k, v, groups, scale, causal);
    }

    @Override
    public boolean isNative() {
        return false;
    }

    private static NDArray weightedValues(NDArray q, NDArray k, NDArray v, int groups, double scale, NDArray bias) {
        NDArray keys = shareAcrossGroups(k, groups); // (B, nh, S, d)
        NDArray values = shareAcrossGroups(v, groups); // (B, nh, S, d)
        NDArray scores = q.matMul(keys.transpose(0, 1, 3, 2))
                .mul(Scalar.constant(q, scale))
                .add(bias); // (B, nh, T, S)
        return scores.softmax(-1).matMul(values); // (B, nh, T, d)
    }

    /** Each key/value head repeated for its group of query heads, in Hugging Face's order (repeat_kv). */
    private static NDArray shareAcrossGroups(NDArray kv, int groups) {
        if (groups == 1) {
            return kv;
        }
        Shape s = kv.getShape();
        return kv.expandDims(2)
                .repeat(2, groups) // (B, nkv, g, S, d)
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3)); // (B, nh, S, d)
    }

    /** The bias in q's type; a wider bias is first clamped to float16's finite range when q is float16. */
    private static NDArray inTypeOf(NDArray q, NDArray bias) {
        if (bias.getDataType() == q.getDataType()) {
            return bias;
        }
        NDArray bounded = q.getDataType() == DataType.FLOAT16 ? bias.maximum(FLOAT16_LOWEST) : bias; // no-grad
        return bounded.toType(q.getDataType(), false);
    }
}
