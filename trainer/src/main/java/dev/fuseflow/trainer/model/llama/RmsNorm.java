package dev.fuseflow.trainer.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.fuseflow.trainer.kernels.RmsNormKernel;
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

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (B, T, C)
        // libtorch's float32 statistics where FuseFlow's native kernels are loaded, else DJL math that is safe in
        // float16.
        return new NDList(RmsNormKernel.normalize(x, ps.getValue(weight, x.getDevice(), training), eps));
    }
}
