package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings as Hugging Face's Llama applies them: inverse frequencies from the
 * config's {@link RopeScaling}, angles {@code position * frequency} repeated for both halves, cos
 * and sin times the scaling's attention factor, and {@code x * cos + rotate_half(x) * sin} with
 * {@code rotate_half([a, b]) = [-b, a]}. The angles are computed in float32, as transformers does.
 */
final class RotaryEmbedding {

    private RotaryEmbedding() {}

    /** cos and sin of the angles, each (B, 1, T, d) in {@code dataType}, for positions (B, T). */
    static NDList cosSin(NDArray positions, LlamaConfig.Rope rope, int headDim, DataType dataType) {
        RopeScaling scaling = rope.scaling();
        // A length-dependent scaling needs the batch's longest position on the host: one read, only for it.
        long seqLen = scaling.dependsOnLength() ? positions.max().getLong() + 1 : 0;
        double[] frequencies =
                scaling.inverseFrequencies(headDim, rope.theta(), rope.maxPositionEmbeddings(), seqLen); // (d/2)
        float[] single = new float[frequencies.length];
        for (int i = 0; i < single.length; i++) {
            single[i] = (float) frequencies[i];
        }
        // no-grad: the angles are constants of the positions, so DJL's Number arithmetic is safe here (see Scalar).
        NDArray inverseFrequencies = positions.getManager().create(single, new Shape(single.length)); // (d/2)
        NDArray angles =
                positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inverseFrequencies); // (B, T, d/2)
        NDArray both = angles.concat(angles, -1).expandDims(1); // (B, 1, T, d)
        NDArray cos = both.cos();
        NDArray sin = both.sin();
        if (scaling.attentionFactor() != 1.0) {
            cos = cos.mul(scaling.attentionFactor());
            sin = sin.mul(scaling.attentionFactor());
        }
        return new NDList(cos.toType(dataType, false), sin.toType(dataType, false));
    }

    /** x (B, h, T, d) rotated by the angles. */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray first = x.get(":, :, :, :{}", half);
        NDArray second = x.get(":, :, :, {}:", half);
        NDArray rotated = second.neg().concat(first, 3);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
