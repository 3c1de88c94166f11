package dev.fuseflow.trainer.lora;

import java.util.List;

/**
 * What a LoRA adapter is, in PEFT's terms: {@code r}, {@code lora_alpha}, {@code lora_dropout},
 * {@code target_modules} (module names, matched as PEFT matches them: equal to the module's name
 * or to its last dotted parts; {@code all-linear} for every attention and MLP projection) and
 * {@code use_rslora} (scaling {@code alpha / sqrt(r)} instead of {@code alpha / r}).
 */
public record LoraSettings(int rank, double alpha, double dropout, List<String> targetModules, boolean rslora) {

    /** PEFT's name for every linear layer but the output head. */
    public static final String ALL_LINEAR = "all-linear";

    public LoraSettings {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank (r) must be >= 1, got " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha (lora_alpha) must be a positive number, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout (lora_dropout) must be in [0, 1), got " + dropout);
        }
        if (targetModules == null
                || targetModules.isEmpty()
                || targetModules.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("LoRA target modules (target_modules) must name at least one module (or "
                    + ALL_LINEAR + "), got " + targetModules);
        }
        targetModules = List.copyOf(targetModules);
    }

    /** What the adapter's output is multiplied by. */
    public double scaling() {
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /** Whether the module of this Hugging Face name gets an adapter. */
    public boolean targets(String moduleName) {
        return targetModules.stream().anyMatch(target -> matches(target, moduleName));
    }

    /** Whether one entry of {@code target_modules} names this module. */
    static boolean matches(String target, String moduleName) {
        return target.equals(ALL_LINEAR) || moduleName.equals(target) || moduleName.endsWith("." + target);
    }
}
