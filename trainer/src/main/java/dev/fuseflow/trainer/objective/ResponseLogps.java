package dev.fuseflow.trainer.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The summed log-probability of each sequence's response tokens, the quantity every objective
 * here starts from (WRPO.md: no length normalisation; prompt and padding masked out; logits at
 * position t score token t + 1). Works for left- and right-padded batches alike: only the mask
 * says which tokens count.
 */
public final class ResponseLogps {

    private ResponseLogps() {
    }

    /**
     * @param logps  summed log-probability of the response tokens, shape (B)
     * @param tokens number of response tokens that were scored, shape (B)
     * @param tokenLogps log-probability of every scored position (0 where masked), shape (B, T - 1)
     */
    public record Result(NDArray logps, NDArray tokens, NDArray tokenLogps) {
    }

    /**
     * @param logits       model output, shape (B, T, V)
     * @param tokenIds     the sequences (prompt, response, padding), shape (B, T), integer type
     * @param responseMask 1 where the token belongs to the response, 0 for prompt and padding, shape (B, T)
     */
    public static Result of(NDArray logits, NDArray tokenIds, NDArray responseMask) {
        long length = logits.getShape().get(1);
        // Log-softmax in the logits' own type: DJL 0.36's toType cuts the autograd graph (measured for
        // every pair of float16/32/64), so an up-cast here would silently stop training. Mixed
        // precision must therefore hand over float32 logits (ResponseLogpsTest pins the behaviour).
        NDArray logProbs = logits.logSoftmax(-1);                                                  // (B, T, V)
        NDArray predicting = logProbs.get(":, :{}, :", length - 1);                                 // (B, T-1, V)
        NDArray next = tokenIds.get(":, 1:").toType(DataType.INT64, false).expandDims(-1);          // (B, T-1, 1)
        NDArray mask = responseMask.get(":, 1:").toType(logits.getDataType(), false).stopGradient(); // (B, T-1)
        NDArray scored = predicting.gather(next, -1).squeeze(-1).mul(mask);                         // (B, T-1)
        return new Result(scored.sum(new int[] {1}), mask.sum(new int[] {1}), scored);
    }
}
