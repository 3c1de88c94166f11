package dev.fuseflow.trainer.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;

/**
 * log p(token | position) for chosen positions, straight from the final hidden states and the
 * output projection: {@code log_softmax(h Wᵀ)[target]}. Only the chosen rows get logits at all (a
 * shared prompt's positions and padding get none). Natively the rows go through in chunks whose
 * float32 logits stay under {@link #CHUNK_BYTES}, and backward recomputes each chunk's logits
 * rather than keeping them, so that an 8B model's 128k-token vocabulary costs one chunk of logits,
 * not (rows x V) floats; without the library the rows' logits are formed at once.
 */
public final class TokenLogpsKernel {

    /**
     * float32 logits per chunk: large enough that each chunk's matmul fills a GPU (hundreds of rows
     * of a 128k vocabulary), small beside the activations.
     */
    public static final long CHUNK_BYTES = 256L << 20;

    private TokenLogpsKernel() {}

    /**
     * @param hidden  final hidden states, (B, T, C)
     * @param weight  the output projection (lm_head, or the tied embedding), (V, C)
     * @param rows    flat indices {@code b * T + t} of the positions to score, (N) int64
     * @param targets the token each scored position predicts, (N) int64
     * @return log-probabilities in float32, (N), in hidden's manager
     */
    public static NDArray logps(NDArray hidden, NDArray weight, NDArray rows, NDArray targets) {
        long width = hidden.getShape().get(hidden.getShape().dimension() - 1);
        NDArray picked = hidden.reshape(-1, width).get(rows); // (N, C)
        return NativeKernels.available()
                ? nativeLogps(
                        picked, weight, targets, chunkRows(weight.getShape().get(0)))
                : djlLogps(picked, weight, targets);
    }

    /** The native chunked kernel over (N, C) rows, whatever {@link NativeKernels#available()} says (for the GPU check). */
    public static NDArray nativeLogps(NDArray hidden, NDArray weight, NDArray targets, long chunkRows) {
        long handle = NativeOps.tokenLogps(
                PtHandles.of(hidden, "hidden"),
                PtHandles.of(weight, "weight"),
                PtHandles.of(targets, "targets"),
                chunkRows);
        return PtHandles.wrap(handle, hidden);
    }

    /** The pure-DJL math over (N, C) rows: all N rows' logits at once, widened to float32 with the graph kept. */
    public static NDArray djlLogps(NDArray hidden, NDArray weight, NDArray targets) {
        // Linear.linear, not matMul(weight.transpose()): a transposed view would land in the weight's manager for good.
        NDArray logits = TensorCasts.castKeepingGraph(
                Linear.linear(hidden, weight).singletonOrThrow(), DataType.FLOAT32); // (N, V)
        return logits.logSoftmax(-1)
                .gather(targets.toType(DataType.INT64, false).expandDims(-1), -1)
                .squeeze(-1); // (N)
    }

    /** Rows per chunk for a vocabulary of {@code vocabulary} tokens. */
    static long chunkRows(long vocabulary) {
        return Math.max(1, CHUNK_BYTES / (Float.BYTES * vocabulary));
    }
}
