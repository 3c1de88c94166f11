package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.fuseflow.trainer.model.Scalar;
import dev.fuseflow.trainer.model.ShapePreservingBlock;

/** RMSNorm: {@code x / sqrt(mean(x^2) + eps) * weight} over the last axis. */
final class RmsNorm extends ShapePreservingBlock {

    private final float eps;
    private final Parameter weight;

    RmsNorm(int size, float eps) {
        this.eps = eps;
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(size))
                .optInitializer(new ConstantInitializer(1f))
                .build());
    }

    Parameter weight() {
        return weight;
    }

    /**
     * The same value, safe in float16, where x^2 overflows past 256 and backward's x / rms^2
     * overflows for the small activations of a fresh model (NaN gradients at any loss scale).
     * Each row is divided by its largest |x|, s, first: x / sqrt(mean(x^2) + eps) equals
     * x' / sqrt(mean(x'^2) + eps / s^2) for x' = x / s, and with |x'| <= 1 nothing overflows.
     * s is a constant of the step (no gradient flows through it), so the gradient is exact. Not
     * a cast to float32 and back: DJL casts under no-grad, which would cut the graph here.
     */
    private NDArray inFloat16(NDArray x) {
        NDArray s =
                x.stopGradient().abs().max(new int[] {-1}, true).maximum(Scalar.constant(x, 0.01)); // no-grad (B, T, 1)
        NDArray squared = s.toType(DataType.FLOAT32, false).square(); // no-grad (B, T, 1)
        // The constants stay second operands: a result belongs to its first operand's manager.
        NDArray epsScaled = squared.pow(Scalar.constant(squared, -1))
                .mul(Scalar.constant(squared, eps))
                .toType(DataType.FLOAT16, false); // no-grad (B, T, 1)
        NDArray scaled = x.div(s); // (B, T, C), |x'| <= 1
        return scaled.div(
                scaled.square().mean(new int[] {-1}, true).add(epsScaled).sqrt());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (B, T, C)
        NDArray normalized = x.getDataType() == DataType.FLOAT16
                ? inFloat16(x)
                : x.div(x.square()
                        .mean(new int[] {-1}, true)
                        .add(Scalar.constant(x, eps))
                        .sqrt()); // rms (B, T, 1)
        return new NDList(normalized.mul(ps.getValue(weight, x.getDevice(), training)));
    }
}
