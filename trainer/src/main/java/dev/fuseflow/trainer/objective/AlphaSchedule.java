package dev.fuseflow.trainer.objective;

/**
 * {@code alpha(t) = alpha_final * min(1, t / T)}, t the completed optimizer updates (constant within
 * a gradient-accumulation cycle), T the ramp length in updates. A streaming trainer does not know
 * its run length, so T is a setting; T = 0 starts at alpha_final.
 */
public record AlphaSchedule(double alphaFinal, long rampUpdates) {

    /** The paper's settings: alpha_final 0.1 over about 311 updates. */
    public static final AlphaSchedule PAPER = new AlphaSchedule(0.1, 311);

    public AlphaSchedule {
        WrpoLoss.requireUnitInterval("alpha_final", alphaFinal);
        if (rampUpdates < 0) {
            throw new IllegalArgumentException("alpha ramp length must be >= 0 updates, got " + rampUpdates);
        }
    }

    public double alpha(long completedUpdates) {
        if (completedUpdates < 0) {
            throw new IllegalArgumentException("completed updates must be >= 0, got " + completedUpdates);
        }
        if (rampUpdates == 0) {
            return alphaFinal;
        }
        return alphaFinal * Math.min(1.0, (double) completedUpdates / rampUpdates);
    }
}
