package dev.fuseflow.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A 0-dimensional tensor in the type and manager of the tensor it will combine with, for
 * arithmetic that autograd records. Written because DJL 0.36's {@code NDArray.mul(Number)} (and
 * {@code div}, {@code pow}, {@code maximum}, ...) wraps the number in a tensor over a Java direct
 * buffer and closes it right after the operation: PyTorch's graph saves that tensor for backward,
 * the buffer is collected, and backward then reads freed memory (NaN gradients that come and go
 * with what else the JVM allocates; docs/djl-pitfalls.md). A tensor made here lives in PyTorch's
 * own memory (a native zero plus the number), so
 * the graph keeps it alive for as long as backward needs it, whatever happens to its Java wrapper,
 * which belongs to {@code like}'s manager.
 */
public final class Scalar {

    private Scalar() {}

    public static NDArray like(NDArray like, double value) {
        return pytorchOwned(like.getManager(), like.getDataType(), value);
    }

    /** A model constant's tensor, by device, type and value. */
    private record ConstantKey(Device device, DataType type, double value) {}

    private static final Map<ConstantKey, NDArray> CONSTANTS = new ConcurrentHashMap<>();
    private static final Map<Device, NDManager> CONSTANT_OWNERS = new ConcurrentHashMap<>();

    /**
     * Like {@link #like}, for a constant of the model (a norm's epsilon, an attention scale): made
     * once per device and type and then reused. Each {@link #like} copies its number from the host
     * to the device, and libtorch synchronises the device after such a copy; per layer and forward
     * pass that stalled the GPU about a thousand times per WRPO update of a 0.5B Llama (issue 8).
     * The tensors live as long as the process (a handful of numbers per device). Use them as the
     * second operand only: a result belongs to its first operand's manager, which here would
     * never be closed.
     */
    public static NDArray constant(NDArray like, double value) {
        return CONSTANTS.computeIfAbsent(new ConstantKey(like.getDevice(), like.getDataType(), value), key -> {
            NDManager owner = CONSTANT_OWNERS.computeIfAbsent(key.device(), NDManager::newBaseManager);
            return pytorchOwned(owner, key.type(), key.value());
        });
    }

    /** A native zero plus the number: PyTorch owns the memory, whatever happens to the Java side. */
    private static NDArray pytorchOwned(NDManager manager, DataType type, double value) {
        // The Java-backed number only feeds an addition of two non-grad tensors and is freed after it;
        // two 0-d tensors promote to the wider type, hence the cast back.
        return manager.zeros(new Shape(), type).add(value).toType(type, false);
    }
}
