package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.format.Chunk;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.format.TensorDType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Moves tensors between safetensors files and device arrays in chunks of at most
 * {@link #CHUNK_ELEMENTS} elements: a tensor of any size (an embedding's AdamW moments above
 * 2 GiB included) passes with the heap holding about two copies of one chunk, and no chunk nears
 * the 2 GiB limit of a Java array. Weights, optimizer moments and mixed-precision masters all go
 * through here.
 */
public final class TensorTransfer {

    /** 16 M elements: 64 MB as float32. */
    public static final long CHUNK_ELEMENTS = 16L << 20;

    private TensorTransfer() {}

    /**
     * Copies {@code source} into {@code target} (its transpose when {@code transposed}, GPT-2's
     * Conv1D layout), converting to the target's type.
     */
    public static void copyInto(
            Tensor source, NDArray target, boolean transposed, NDManager manager, long chunkElements)
            throws IOException {
        for (Chunk chunk : Chunk.of(source.shape(), chunkElements)) {
            // The copies are closed with the scratch manager: a long-running trainer loads and saves often.
            try (NDManager scratch = manager.newSubManager(target.getDevice())) {
                // Widened on the heap from a read of the file, never wrapped around file memory: an array
                // made from a memory-mapped buffer kept the mapping (and its file system) busy after the load.
                NDArray part = scratch.create(
                                source.toFloats(chunk.firstElement(), Math.toIntExact(chunk.elements())),
                                new Shape(chunk.size()))
                        .toDevice(target.getDevice(), false);
                // An indexed put copies into the array's own PyTorch-allocated memory. DJL's copyTo
                // would instead re-point it at a Java direct buffer that only the wrapper object keeps
                // alive (the mechanism behind the use-after-free described in Scalar).
                target.set(
                        index(chunk, transposed),
                        (transposed ? part.transpose() : part).toType(target.getDataType(), false));
            }
        }
    }

    /**
     * A new array of {@code source}'s shape and values, in {@code type}, owned by {@code manager}.
     *
     * @throws UncheckedIOException when the tensor's file cannot be read (optimizer state is restored
     *     where no checked exception can pass)
     */
    public static NDArray create(Tensor source, NDManager manager, DataType type) {
        NDArray array = manager.zeros(new Shape(source.shape()), type);
        copy(source, array, manager);
        return array;
    }

    /** {@link #copyInto} in full-size chunks, an unreadable file as an {@link UncheckedIOException}. */
    public static void copy(Tensor source, NDArray target, NDManager manager) {
        try {
            copyInto(source, target, false, manager, CHUNK_ELEMENTS);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read a saved tensor: " + e.getMessage(), e);
        }
    }

    /** Writes the arrays as float32 tensors of one safetensors file, chunk by chunk. */
    public static void writeFloat32(Path file, Map<String, NDArray> arrays, Map<String, String> metadata)
            throws IOException {
        writeFloat32(file, arrays, metadata, CHUNK_ELEMENTS);
    }

    static void writeFloat32(Path file, Map<String, NDArray> arrays, Map<String, String> metadata, long chunkElements)
            throws IOException {
        List<SafeTensors.Spec> specs = new ArrayList<>();
        arrays.forEach((name, array) -> specs.add(new SafeTensors.Spec(
                name, TensorDType.F32, array.getShape().getShape().clone())));
        SafeTensors.write(file, specs, metadata, (spec, out) -> {
            for (Chunk chunk : Chunk.of(spec.shape(), chunkElements)) {
                out.accept(bytes(arrays.get(spec.name()), chunk, false, TensorDType.F32));
            }
        });
    }

    /** One chunk of the array as stored: laid out as the file lays it out (transposed back if so), in {@code dtype}. */
    static ByteBuffer bytes(NDArray array, Chunk chunk, boolean transposed, TensorDType dtype) {
        try (NDManager scratch = array.getManager().newSubManager()) {
            // get makes a new array (a view on the array's storage): closing it frees nothing of the array's.
            NDArray block = chunk.start().length == 0
                    ? array.toType(DataType.FLOAT32, true)
                    : array.get(index(chunk, transposed));
            block.attach(scratch);
            NDArray floats = block.toType(DataType.FLOAT32, false);
            if (transposed) {
                floats = floats.transpose();
            }
            return Tensor.encode(dtype, floats.toFloatArray());
        }
    }

    /** Where a chunk of the stored tensor lies in the array: the same block, or its mirror when stored transposed. */
    private static NDIndex index(Chunk chunk, boolean transposed) {
        long[] start = chunk.start();
        long[] size = chunk.size();
        if (start.length == 0) {
            return new NDIndex("...");
        }
        NDIndex index = new NDIndex();
        for (int i = 0; i < start.length; i++) {
            int dim = transposed ? start.length - 1 - i : i;
            index.addSliceDim(start[dim], start[dim] + size[dim]);
        }
        return index;
    }
}
