package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.objective.AlphaSchedule;

/**
 * What the preference stage optimises (docs/wrpo.md): WRPO with beta and alpha ramped to
 * {@code alphaFinal} over {@code alphaRamp} updates, DPO (alpha held at 0), or nothing after SFT.
 *
 * @param alphaRamp T in updates; -1 means the length of the preference stage
 */
public record PreferenceObjective(Objective objective, double beta, double alphaFinal, long alphaRamp) {

    public PreferenceObjective {
        Checks.require(objective != null, "--objective is required");
        Checks.require(beta > 0 && Double.isFinite(beta), "--beta must be a finite number > 0, got " + beta);
        Checks.require(alphaFinal >= 0 && alphaFinal <= 1, "--alpha must lie in [0, 1], got " + alphaFinal);
        Checks.require(
                alphaRamp >= -1,
                "--alpha-ramp must be >= 0 updates, or -1 for the whole preference stage, got " + alphaRamp);
    }

    /** alpha_final as trained: DPO holds alpha at 0. */
    public double effectiveAlphaFinal() {
        return objective == Objective.DPO ? 0.0 : alphaFinal;
    }

    AlphaSchedule alphaOver(long stageUpdates) {
        return new AlphaSchedule(effectiveAlphaFinal(), alphaRamp < 0 ? stageUpdates : alphaRamp);
    }
}
