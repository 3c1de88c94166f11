package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;

/** DJL PyTorch arrays to and from the {@code torch::Tensor*} handles the native kernels take and return. */
final class PtHandles {

    private PtHandles() {}

    /** The handle of {@code array}, which must be a PyTorch engine array. */
    static long of(NDArray array, String name) {
        if (!(array instanceof PtNDArray pt)) {
            throw new IllegalArgumentException(
                    name + " is a " + array.getClass().getName()
                            + ", not a PyTorch engine array: the native kernels run on DJL's PyTorch engine only");
        }
        return pt.getHandle();
    }

    /** A new array of {@code like}'s manager owning the tensor {@code handle} (DJL deletes it on close). */
    static NDArray wrap(long handle, NDArray like) {
        return new PtNDArray((PtNDManager) like.getManager(), handle);
    }

    /** The {@code c10::ScalarType} number of a floating DJL type. */
    static int scalarType(DataType type) {
        return switch (type) {
            case FLOAT16 -> 5;
            case FLOAT32 -> 6;
            case FLOAT64 -> 7;
            default ->
                throw new IllegalArgumentException(
                        "a graph-keeping cast goes between float16, float32 and float64, not to " + type);
        };
    }
}
