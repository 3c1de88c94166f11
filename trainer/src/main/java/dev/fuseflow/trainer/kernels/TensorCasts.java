package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Casts between floating types that autograd records, which DJL's {@code toType} does not (it casts
 * under {@code NoGradGuard}, so a mixed-precision graph would end at the cast).
 */
public final class TensorCasts {

    private TensorCasts() {}

    /**
     * {@code x} as {@code type}, with gradients flowing back through the cast to {@code x}; the result
     * belongs to x's manager. Natively any float16/float32/float64 cast; without the library only
     * widening (by type promotion: x plus a one-element zero of the wider type), because DJL has no
     * differentiable narrowing cast.
     *
     * @throws NativeKernelException for a narrowing cast without the native library
     */
    public static NDArray castKeepingGraph(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        int scalarType = PtHandles.scalarType(type);
        PtHandles.scalarType(x.getDataType()); // x must be floating too
        if (NativeKernels.available()) {
            return PtHandles.wrap(NativeOps.castKeepingGraph(PtHandles.of(x, "x"), scalarType), x);
        }
        if (bytes(type) < bytes(x.getDataType())) {
            throw new NativeKernelException("a graph-keeping cast from " + x.getDataType() + " to " + type
                    + " needs FuseFlow's native kernels (DJL has no differentiable narrowing cast): set "
                    + NativeKernels.LIBRARY_VARIABLE
                    + " to a libfuseflow_kernels.so built by bin/fuseflow-native-build");
        }
        // A 0-d operand would not decide the result's type (PyTorch's promotion rule); a 1-element one does.
        NDArray widened = x.add(x.getManager().zeros(new Shape(1), type, x.getDevice()));
        return x.getShape().dimension() == 0 ? widened.reshape(x.getShape()) : widened;
    }

    private static int bytes(DataType type) {
        return type.getNumOfBytes();
    }
}
