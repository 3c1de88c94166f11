package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A 0-dimensional tensor in the type and manager of the tensor it will combine with, for
 * arithmetic that autograd records. Written because DJL 0.36's {@code NDArray.mul(Number)} (and
 * {@code div}, {@code pow}, {@code maximum}, ...) wraps the number in a tensor over a Java direct
 * buffer and closes it right after the operation: PyTorch's graph saves that tensor for backward,
 * the buffer is collected, and backward then reads freed memory. Measured: the first WRPO update
 * after SFT had NaN gradients in every weight in 2 to 50 % of runs, depending on what else the JVM
 * allocated. A tensor made here lives in PyTorch's own memory (a native zero plus the number), so
 * the graph keeps it alive for as long as backward needs it, whatever happens to its Java wrapper,
 * which belongs to {@code like}'s manager.
 */
public final class Scalar {

    private Scalar() {
    }

    public static NDArray like(NDArray like, double value) {
        // The Java-backed number only feeds an addition of two non-grad tensors and is freed after it;
        // two 0-d tensors promote to the wider type, hence the cast back.
        return like.getManager().zeros(new Shape(), like.getDataType()).add(value).toType(like.getDataType(), false);
    }
}
