package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.training.Objective;
import dev.fuseflow.trainer.training.PreferenceObjective;
import picocli.CommandLine.Option;

/**
 * {@code --beta} and {@code --alpha}: WRPO's implicit reward (docs/wrpo.md), the same in training, in
 * the eval gate and in {@code eval}.
 */
public final class RewardOptions {

    @Option(names = "--beta", description = "WRPO's and DPO's beta (default ${DEFAULT-VALUE}, the paper's).")
    double beta = 0.01;

    @Option(
            names = "--alpha",
            description = "alpha_final, the weight of y_ws in the chosen reward, in [0, 1] (default ${DEFAULT-VALUE};"
                    + " ignored by DPO).")
    double alphaFinal = 0.1;

    /** The objective with these rewards, checked: a bad --beta or --alpha fails here, naming the option. */
    PreferenceObjective objective(Objective objective, long alphaRamp) {
        return new PreferenceObjective(objective, beta, alphaFinal, alphaRamp);
    }

    public double beta() {
        return beta;
    }

    public double alphaFinal() {
        return alphaFinal;
    }
}
