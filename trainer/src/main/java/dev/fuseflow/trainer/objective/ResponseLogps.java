package dev.fuseflow.trainer.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.kernels.TensorCasts;

/**
 * The summed log-probability of each sequence's response tokens, the quantity every objective
 * here starts from (docs/wrpo.md: no length normalisation; prompt and padding masked out; logits at
 * position t score token t + 1). Works for left- and right-padded batches alike: only the mask
 * says which tokens count.
 */
public final class ResponseLogps {

    private ResponseLogps() {}

    /**
     * @param logps  summed log-probability of the response tokens, shape (B)
     * @param tokens number of response tokens that were scored, shape (B)
     * @param tokenLogps log-probability of every scored position (0 where masked), shape (B, T - 1)
     */
    public record Result(NDArray logps, NDArray tokens, NDArray tokenLogps) {}

    /**
     * @param logits       model output, shape (B, T, V)
     * @param tokenIds     the sequences (prompt, response, padding), shape (B, T), integer type
     * @param responseMask 1 where the token belongs to the response, 0 for prompt and padding, shape (B, T)
     */
    public static Result of(NDArray logits, NDArray tokenIds, NDArray responseMask) {
        long length = logits.getShape().get(1);
        NDArray logProbs = atLeastFloat32(logits).logSoftmax(-1); // (B, T, V)
        NDArray predicting = logProbs.get(":, :{}, :", length - 1); // (B, T-1, V)
        NDArray next = tokenIds.get(":, 1:").toType(DataType.INT64, false).expandDims(-1); // (B, T-1, 1)
        NDArray mask =
                responseMask.get(":, 1:").toType(logProbs.getDataType(), false).stopGradient(); // (B, T-1)
        NDArray scored = predicting.gather(next, -1).squeeze(-1).mul(mask); // (B, T-1)
        return new Result(scored.sum(new int[] {1}), mask.sum(new int[] {1}), scored);
    }

    /**
     * float16 logits widened to float32 so that log-softmax and the sum over a response keep their
     * precision (a float16 sum of -200 resolves steps of 0.125, coarser than WRPO's log-ratios),
     * with the graph kept (DJL's toType would cut it).
     */
    static NDArray atLeastFloat32(NDArray logits) {
        return logits.getDataType() == DataType.FLOAT16
                ? TensorCasts.castKeepingGraph(logits, DataType.FLOAT32)
                : logits;
    }
}
