package dev.fuseflow.trainer.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * The paper's stages in order: SFT on y_ws, then the preference stage (WRPO, or DPO as its
 * ablation) with the SFT model as the frozen reference; DONE once a finite run has finished both.
 */
public enum Stage {
    SFT,
    PREFERENCE,
    DONE;

    /** Reads a stage name from a checkpoint; {@code WRPO} is how streaming checkpoints named the preference stage before. */
    @JsonCreator
    public static Stage named(String name) {
        return "WRPO".equals(name) ? PREFERENCE : valueOf(name);
    }

    /** The stage as logs and the metrics CSV write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
