package dev.fuseflow.trainer.training;

/**
 * What the preference stage optimises. WRPO is the product; DPO (WRPO with alpha held at 0, the
 * paper's ablation without y_ws) and SFT alone are the baselines to compare it with.
 */
public enum Objective {
    WRPO,
    DPO,
    SFT
}
