package dev.fuseflow.trainer.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A named tensor's type, shape and raw little-endian bytes, as safetensors stores it. */
public record Tensor(TensorDType dtype, long[] shape, ByteBuffer data) {

    public Tensor {
        shape = shape.clone();
        long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (elements * dtype.bytes() != data.remaining()) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + elements * dtype.bytes() + " bytes, got " + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static Tensor ofFloats(long[] shape, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return new Tensor(TensorDType.F32, shape, bytes);
    }

    /** Float values stored as {@code dtype} (F32, F16 or BF16), rounded to nearest even as PyTorch does. */
    public static Tensor ofFloats(TensorDType dtype, long[] shape, float[] values) {
        if (dtype == TensorDType.F32) {
            return ofFloats(shape, values);
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putShort(
                    switch (dtype) {
                        case F16 -> HalfFloats.floatToF16(value);
                        case BF16 -> HalfFloats.floatToBf16(value);
                        default ->
                            throw new IllegalArgumentException("weights are saved as F32, F16 or BF16, not " + dtype);
                    });
        }
        bytes.flip();
        return new Tensor(dtype, shape, bytes);
    }

    public long elements() {
        return data.remaining() / dtype.bytes();
    }

    /** The values widened to float: F32 as is, F16 and BF16 converted exactly, F64 rounded. */
    public float[] toFloats() {
        float[] out = new float[Math.toIntExact(elements())];
        ByteBuffer d = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case F32 -> d.getFloat(i * 4);
                case F16 -> HalfFloats.f16ToFloat(d.getShort(i * 2));
                case BF16 -> HalfFloats.bf16ToFloat(d.getShort(i * 2));
                case F64 -> (float) d.getDouble(i * 8);
                default -> throw new IllegalStateException("tensor of " + dtype + " holds no floating-point values");
            };
        }
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape) && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
