package dev.fuseflow.trainer.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A named tensor's type, shape and raw little-endian bytes, as safetensors stores it. The bytes are
 * either in memory or a region of a file read piece by piece when asked for, so that a tensor may
 * be larger than the 2 GiB one Java array or buffer can hold (a 128k-row float32 embedding is).
 */
public final class Tensor {

    /** Largest Java array or buffer the JVM allocates (a few bytes below {@code Integer.MAX_VALUE}). */
    private static final int MAX_BUFFER = Integer.MAX_VALUE - 8;

    /**
     * File reads go through pieces this large: the JDK copies a heap buffer's read through a direct
     * buffer of the same size that it keeps cached per thread, so larger reads would pin larger ones.
     */
    private static final int READ_PIECE = 8 << 20;

    /** Where the bytes are. */
    private sealed interface Source permits InMemory, InFile {
        void read(long offset, ByteBuffer into) throws IOException;
    }

    private record InMemory(ByteBuffer buffer) implements Source {
        @Override
        public void read(long offset, ByteBuffer into) {
            into.put(buffer.slice(Math.toIntExact(offset), into.remaining()));
        }
    }

    private record InFile(Path file, long offset) implements Source {
        @Override
        public void read(long at, ByteBuffer into) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long position = offset + at;
                int end = into.limit();
                while (into.position() < end) {
                    into.limit(Math.min(end, into.position() + READ_PIECE));
                    int read = channel.read(into, position);
                    if (read < 0) {
                        throw new IOException(file + " ended at byte " + position + " inside a tensor: truncated?");
                    }
                    position += read;
                }
                into.limit(end);
            }
        }
    }

    private final TensorDType dtype;
    private final long[] shape;
    private final long byteSize;
    private final Source source;

    private Tensor(TensorDType dtype, long[] shape, long byteSize, Source source) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long needed = Math.multiplyExact(Arrays.stream(shape).reduce(1, Math::multiplyExact), dtype.bytes());
        if (needed != byteSize) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + needed + " bytes, got " + byteSize);
        }
        this.byteSize = byteSize;
        this.source = source;
    }

    /** A tensor whose bytes are {@code data}'s remaining ones. */
    public Tensor(TensorDType dtype, long[] shape, ByteBuffer data) {
        this(dtype, shape, data.remaining(), new InMemory(data.slice().order(ByteOrder.LITTLE_ENDIAN)));
    }

    /** A tensor whose bytes are the file's from {@code offset} on, read only when asked for. */
    static Tensor inFile(TensorDType dtype, long[] shape, Path file, long offset, long byteSize) {
        return new Tensor(dtype, shape, byteSize, new InFile(file, offset));
    }

    public static Tensor ofFloats(long[] shape, float[] values) {
        return new Tensor(TensorDType.F32, shape, encode(TensorDType.F32, values));
    }

    /** Float values stored as {@code dtype} (F32, F16 or BF16), rounded to nearest even as PyTorch does. */
    public static Tensor ofFloats(TensorDType dtype, long[] shape, float[] values) {
        return new Tensor(dtype, shape, encode(dtype, values));
    }

    /** {@code values} as {@code dtype}'s little-endian bytes (F32, F16 or BF16; the halves rounded to nearest even). */
    public static ByteBuffer encode(TensorDType dtype, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.bytes()))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().put(values);
            case F16 -> {
                for (float value : values) {
                    bytes.putShort(HalfFloats.floatToF16(value));
                }
            }
            case BF16 -> {
                for (float value : values) {
                    bytes.putShort(HalfFloats.floatToBf16(value));
                }
            }
            default -> throw new IllegalArgumentException("weights are saved as F32, F16 or BF16, not " + dtype);
        }
        return bytes.rewind();
    }

    public TensorDType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long byteSize() {
        return byteSize;
    }

    public long elements() {
        return byteSize / dtype.bytes();
    }

    /** Fills {@code into} with the tensor's bytes from {@code offset} on. */
    public void read(long offset, ByteBuffer into) throws IOException {
        if (offset < 0 || offset + into.remaining() > byteSize) {
            throw new IndexOutOfBoundsException(
                    "bytes [" + offset + ", " + (offset + into.remaining()) + ") of a " + byteSize + "-byte tensor");
        }
        source.read(offset, into);
    }

    /** All the bytes in one little-endian buffer; a tensor above 2 GiB is read in pieces with {@link #read}. */
    public ByteBuffer data() {
        requireOneBuffer(byteSize, "bytes");
        if (source instanceof InMemory memory) {
            return memory.buffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer all = ByteBuffer.allocate((int) byteSize).order(ByteOrder.LITTLE_ENDIAN);
        try {
            source.read(0, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.flip();
    }

    /** The values widened to float: F32 as is, F16 and BF16 converted exactly, F64 rounded. */
    public float[] toFloats() {
        requireOneBuffer(elements(), "elements");
        try {
            return toFloats(0, (int) elements());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} values from element {@code first} on (in storage order), widened as {@link #toFloats()} does. */
    public float[] toFloats(long first, int count) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(count, dtype.bytes()));
        read(first * dtype.bytes(), bytes);
        bytes.flip().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        if (dtype == TensorDType.F32) {
            bytes.asFloatBuffer().get(out);
            return out;
        }
        for (int i = 0; i < count; i++) {
            out[i] = switch (dtype) {
                case F16 -> HalfFloats.f16ToFloat(bytes.getShort(i * 2));
                case BF16 -> HalfFloats.bf16ToFloat(bytes.getShort(i * 2));
                case F64 -> (float) bytes.getDouble(i * 8);
                default -> throw new IllegalStateException("tensor of " + dtype + " holds no floating-point values");
            };
        }
        return out;
    }

    private void requireOneBuffer(long count, String what) {
        if (count > MAX_BUFFER) {
            throw new IllegalStateException("a " + this + " tensor has " + count + " " + what
                    + ", more than one Java array holds: read it in pieces");
        }
    }

    /** Same type, shape and bytes, wherever each one's bytes are. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape))) {
            return false;
        }
        try {
            return sameBytes(t);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean sameBytes(Tensor other) throws IOException {
        ByteBuffer mine = ByteBuffer.allocate((int) Math.min(byteSize, READ_PIECE));
        ByteBuffer theirs = ByteBuffer.allocate(mine.capacity());
        for (long offset = 0; offset < byteSize; offset += mine.capacity()) {
            int length = (int) Math.min(mine.capacity(), byteSize - offset);
            read(offset, mine.clear().limit(length));
            other.read(offset, theirs.clear().limit(length));
            if (!mine.flip().equals(theirs.flip())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
