package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embeddings as Hugging Face's Llama applies them: frequencies
 * {@code theta^(-2i/d)}, angles {@code position * frequency} repeated for both halves, and
 * {@code x * cos + rotate_half(x) * sin} with {@code rotate_half([a, b]) = [-b, a]}.
 */
final class RotaryEmbedding {

    private RotaryEmbedding() {}

    /** cos and sin of the angles, each (B, 1, T, d) in {@code dataType}, for positions (B, T). */
    static NDList cosSin(NDArray positions, int headDim, double theta, DataType dataType) {
        // no-grad: the angles are constants of the positions, so DJL's Number arithmetic is safe here (see Scalar).
        NDArray exponents = positions
                .getManager()
                .arange(0, headDim, 2)
                .toType(DataType.FLOAT32, false)
                .div(headDim); // no-grad (d/2)
        NDArray inverseFrequencies = exponents.mul(-Math.log(theta)).exp(); // no-grad (d/2)
        NDArray angles =
                positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inverseFrequencies); // (B, T, d/2)
        NDArray both = angles.concat(angles, -1).expandDims(1); // (B, 1, T, d)
        return new NDList(both.cos().toType(dataType, false), both.sin().toType(dataType, false));
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
