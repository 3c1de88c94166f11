package dev.fuseflow.trainer.objective;

import ai.djl.ndarray.NDArray;
import dev.fuseflow.trainer.model.Scalar;

/**
 * WRPO loss (docs/wrpo.md; Yang et al., "Weighted-Reward Preference Optimization for Implicit Model
 * Fusion", ICLR 2025), with FuseFlow's sample weights:
 *
 * <pre>
 *   r(y)  = logp_policy(y) - logp_ref(y)
 *   z     = beta * ( alpha * r(y_ws) + (1 - alpha) * r(y_wt) - r(y_l) )
 *   loss  = softplus(-z)                          per sample
 *   batch = sum(w * loss) / sum(w)                 weights are constants: no gradient flows into them
 * </pre>
 *
 * A pure function: it reads its inputs, returns new arrays and changes no configuration.
 */
public final class WrpoLoss {

    private WrpoLoss() {}

    /**
     * @param loss               weighted batch loss, a scalar that carries the gradient
     * @param losses             per-sample softplus(-z), shape (B)
     * @param z                  the margin inside the sigmoid, shape (B)
     * @param sourceChosenReward beta * r(y_ws), no gradient
     * @param targetChosenReward beta * r(y_wt), no gradient
     * @param chosenReward       beta * (alpha r(y_ws) + (1 - alpha) r(y_wt)), no gradient
     * @param rejectedReward     beta * r(y_l), no gradient
     */
    public record Result(
            NDArray loss,
            NDArray losses,
            NDArray z,
            NDArray sourceChosenReward,
            NDArray targetChosenReward,
            NDArray chosenReward,
            NDArray rejectedReward) {}

    public static Result compute(
            PreferenceLogps policy, PreferenceLogps reference, NDArray weights, double alpha, double beta) {
        requireUnitInterval("alpha", alpha);
        if (!(beta > 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number > 0, got " + beta);
        }
        NDArray sourceChosenLogRatios = policy.sourceChosen().sub(reference.sourceChosen()); // r(y_ws)
        NDArray targetChosenLogRatios = policy.targetChosen().sub(reference.targetChosen()); // r(y_wt)
        NDArray rejectedLogRatios = policy.rejected().sub(reference.rejected()); // r(y_l)
        NDArray chosenLogRatios = sourceChosenLogRatios
                .mul(Scalar.like(sourceChosenLogRatios, alpha))
                .add(targetChosenLogRatios.mul(Scalar.like(targetChosenLogRatios, 1 - alpha)));
        NDArray z = chosenLogRatios.sub(rejectedLogRatios).mul(Scalar.like(chosenLogRatios, beta));
        NDArray losses = Softplus.of(z.neg());
        NDArray loss = weightedMean(losses, weights);
        return new Result(
                loss,
                losses,
                z,
                sourceChosenLogRatios.mul(Scalar.like(z, beta)).stopGradient(),
                targetChosenLogRatios.mul(Scalar.like(z, beta)).stopGradient(),
                chosenLogRatios.mul(Scalar.like(z, beta)).stopGradient(),
                rejectedLogRatios.mul(Scalar.like(z, beta)).stopGradient());
    }

    /** sum(w * loss) / sum(w) with w treated as constants. */
    static NDArray weightedMean(NDArray losses, NDArray weights) {
        NDArray w = weights.stopGradient();
        return losses.mul(w).sum().div(w.sum());
    }

    static void requireUnitInterval(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must lie in [0, 1], got " + value);
        }
    }
}
