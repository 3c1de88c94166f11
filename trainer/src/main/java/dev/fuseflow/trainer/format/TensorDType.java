package dev.fuseflow.trainer.format;

import java.util.Arrays;

/** Element types of the safetensors format, with their size in bytes. */
public enum TensorDType {
    F64(8),
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4),
    I16(2),
    I8(1),
    U8(1),
    BOOL(1);

    private final int bytes;

    TensorDType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    static TensorDType parse(String name, String tensor) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "tensor '" + tensor + "' has dtype '" + name + "'; supported: " + Arrays.toString(values()), e);
        }
    }
}
