package dev.fuseflow.trainer.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A block of a tensor that is both a rectangle of indices ({@code start}, {@code size} per
 * dimension) and one run of its storage ({@code elements} from {@code firstElement} on), so a
 * device array can be filled from, or read into, a file piece by piece. Tensors are cut into whole
 * rows; where one row exceeds the limit, into pieces of a row, one dimension deeper.
 */
public record Chunk(long[] start, long[] size, long firstElement, long elements) {

    public Chunk {
        start = start.clone();
        size = size.clone();
    }

    @Override
    public long[] start() {
        return start.clone();
    }

    @Override
    public long[] size() {
        return size.clone();
    }

    /** {@code shape} cut in storage order into chunks of at most {@code maxElements} (one chunk when it fits). */
    public static List<Chunk> of(long[] shape, long maxElements) {
        if (maxElements < 1) {
            throw new IllegalArgumentException("chunks need at least one element, not " + maxElements);
        }
        long total = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (total <= maxElements) {
            return List.of(new Chunk(new long[shape.length], shape, 0, total));
        }
        int cut = 0;
        while (inner(shape, cut) > maxElements) {
            cut++;
        }
        long inner = inner(shape, cut);
        long step = maxElements / inner;
        List<Chunk> chunks = new ArrayList<>();
        long[] start = new long[shape.length];
        long first = 0;
        do {
            for (long begin = 0; begin < shape[cut]; begin += step) {
                long[] size = shape.clone();
                Arrays.fill(size, 0, cut, 1);
                size[cut] = Math.min(step, shape[cut] - begin);
                start[cut] = begin;
                chunks.add(new Chunk(start, size, first, size[cut] * inner));
                first += size[cut] * inner;
            }
            start[cut] = 0;
        } while (advance(start, shape, cut));
        return chunks;
    }

    /** Elements in one index of dimension {@code dim}: the product of the dimensions after it. */
    private static long inner(long[] shape, int dim) {
        return Arrays.stream(shape, dim + 1, shape.length).reduce(1, Math::multiplyExact);
    }

    /** The next combination of the leading indices (before {@code cut}), row-major; false after the last. */
    private static boolean advance(long[] start, long[] shape, int cut) {
        for (int d = cut - 1; d >= 0; d--) {
            if (++start[d] < shape[d]) {
                return true;
            }
            start[d] = 0;
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Chunk c
                && Arrays.equals(start, c.start)
                && Arrays.equals(size, c.size)
                && firstElement == c.firstElement
                && elements == c.elements;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(start) + Arrays.hashCode(size)) + Long.hashCode(firstElement);
    }

    @Override
    public String toString() {
        return "chunk at " + Arrays.toString(start) + " of " + Arrays.toString(size);
    }
}
