package dev.fuseflow.trainer.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkTest {

    @Test
    void aTensorThatFitsIsOneChunk() {
        assertThat(Chunk.of(new long[] {3, 4}, 12))
                .containsExactly(new Chunk(new long[] {0, 0}, new long[] {3, 4}, 0, 12));
        assertThat(Chunk.of(new long[] {}, 1)).containsExactly(new Chunk(new long[] {}, new long[] {}, 0, 1));
    }

    @Test
    void rowsAreKeptWholeAndTheLastChunkTakesWhatIsLeft() {
        assertThat(Chunk.of(new long[] {7, 5}, 12))
                .containsExactly(
                        new Chunk(new long[] {0, 0}, new long[] {2, 5}, 0, 10),
                        new Chunk(new long[] {2, 0}, new long[] {2, 5}, 10, 10),
                        new Chunk(new long[] {4, 0}, new long[] {2, 5}, 20, 10),
                        new Chunk(new long[] {6, 0}, new long[] {1, 5}, 30, 5));
    }

    @Test
    void aRowLargerThanAChunkIsCutOneDimensionDeeper() {
        assertThat(Chunk.of(new long[] {2, 9}, 4))
                .containsExactly(
                        new Chunk(new long[] {0, 0}, new long[] {1, 4}, 0, 4),
                        new Chunk(new long[] {0, 4}, new long[] {1, 4}, 4, 4),
                        new Chunk(new long[] {0, 8}, new long[] {1, 1}, 8, 1),
                        new Chunk(new long[] {1, 0}, new long[] {1, 4}, 9, 4),
                        new Chunk(new long[] {1, 4}, new long[] {1, 4}, 13, 4),
                        new Chunk(new long[] {1, 8}, new long[] {1, 1}, 17, 1));
        assertThat(Chunk.of(new long[] {2, 3, 5}, 7)).hasSize(6).allMatch(c -> c.elements() == 5);
    }

    @Test
    void chunksTileTheTensorInStorageOrder() {
        Random random = new Random(17);
        for (int trial = 0; trial < 500; trial++) {
            long[] shape = new long[random.nextInt(4)];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = 1 + random.nextInt(9);
            }
            long limit = 1 + random.nextInt(40);
            List<Chunk> chunks = Chunk.of(shape, limit);
            long next = 0;
            for (Chunk chunk : chunks) {
                assertThat(chunk.firstElement())
                        .as("%s in %s", chunk, Arrays.toString(shape))
                        .isEqualTo(next);
                assertThat(flatOffset(chunk.start(), shape)).isEqualTo(chunk.firstElement());
                assertThat(Arrays.stream(chunk.size()).reduce(1, Math::multiplyExact))
                        .isEqualTo(chunk.elements())
                        .isLessThanOrEqualTo(Math.max(limit, 1));
                next += chunk.elements();
            }
            assertThat(next).isEqualTo(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        }
    }

    private static long flatOffset(long[] index, long[] shape) {
        long offset = 0;
        for (int d = 0; d < shape.length; d++) {
            offset = offset * shape[d] + index[d];
        }
        return offset;
    }
}
