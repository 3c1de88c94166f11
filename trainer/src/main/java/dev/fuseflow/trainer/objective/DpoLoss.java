package dev.fuseflow.trainer.objective;

import ai.djl.ndarray.NDArray;
import dev.fuseflow.trainer.model.Scalar;

/**
 * DPO loss (Rafailov et al. 2023, Eq. 7), weighted like WRPO so that both run on the same data path:
 *
 * <pre>
 *   loss = softplus( -beta * ( r(y_w) - r(y_l) ) ),   r(y) = logp_policy(y) - logp_ref(y)
 *   batch = sum(w * loss) / sum(w)
 * </pre>
 */
public final class DpoLoss {

    private DpoLoss() {}

    /**
     * @param loss           weighted batch loss, a scalar
     * @param losses         per-sample losses, shape (B)
     * @param chosenReward   beta * r(y_w), no gradient
     * @param rejectedReward beta * r(y_l), no gradient
     */
    public record Result(NDArray loss, NDArray losses, NDArray chosenReward, NDArray rejectedReward) {}

    public static Result compute(
            NDArray policyChosenLogps,
            NDArray policyRejectedLogps,
            NDArray referenceChosenLogps,
            NDArray referenceRejectedLogps,
            NDArray weights,
            double beta) {
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number > 0, got " + beta);
        }
        NDArray chosenLogRatios = policyChosenLogps.sub(referenceChosenLogps);
        NDArray rejectedLogRatios = policyRejectedLogps.sub(referenceRejectedLogps);
        NDArray losses = Softplus.of(chosenLogRatios.sub(rejectedLogRatios).mul(Scalar.like(chosenLogRatios, -beta)));
        return new Result(
                WrpoLoss.weightedMean(losses, weights),
                losses,
                chosenLogRatios.mul(Scalar.like(losses, beta)).stopGradient(),
                rejectedLogRatios.mul(Scalar.like(losses, beta)).stopGradient());
    }
}
