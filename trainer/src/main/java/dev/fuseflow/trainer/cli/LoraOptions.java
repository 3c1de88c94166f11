package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.lora.LoraSettings;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** LoRA's options, declared once for {@code serve} and {@code train}: off unless {@code --lora-rank} is given. */
final class LoraOptions {

    @Option(
            names = "--lora-rank",
            description = "Train LoRA adapters of this rank (PEFT's r) on a frozen base instead of every weight;"
                    + " 0: full fine-tuning (default ${DEFAULT-VALUE}).")
    int rank;

    @Option(
            names = "--lora-alpha",
            description = "PEFT's lora_alpha: the adapters' output is scaled by alpha / r (default: twice the rank).")
    Double alpha;

    @Option(
            names = "--lora-dropout",
            description = "Dropout on the adapters' input while training (default ${DEFAULT-VALUE}).")
    double dropout;

    @Option(
            names = "--lora-target-modules",
            split = ",",
            description = "Layers that get adapters, by Hugging Face module name (q_proj,v_proj,...), or all-linear:"
                    + " every attention and MLP projection (default ${DEFAULT-VALUE}).")
    List<String> targetModules = List.of(LoraSettings.ALL_LINEAR);

    @Option(
            names = "--lora-rslora",
            description = "Rank-stabilised scaling, alpha / sqrt(r) (PEFT's use_rslora) (default ${DEFAULT-VALUE}).")
    boolean rslora;

    @Option(
            names = "--lora-merged-versions",
            description = "Each published version also holds the full model with the adapter merged in, in its"
                    + " merged/ folder, for servers that load no adapters (default ${DEFAULT-VALUE}).")
    boolean mergedVersions;

    /** The settings, validated; empty for full fine-tuning. */
    Optional<LoraSettings> settings() {
        if (rank < 0) {
            throw new IllegalArgumentException("--lora-rank must be >= 0 (0: full fine-tuning), got " + rank);
        }
        if (rank == 0) {
            if (alpha != null) {
                throw new IllegalArgumentException("--lora-alpha needs --lora-rank >= 1");
            }
            return Optional.empty();
        }
        return Optional.of(new LoraSettings(rank, alpha != null ? alpha : 2.0 * rank, dropout, targetModules, rslora));
    }
}
