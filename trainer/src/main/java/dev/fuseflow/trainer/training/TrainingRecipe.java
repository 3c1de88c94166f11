package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.lora.LoraSettings;
import java.util.Optional;

/**
 * The hyperparameters of a run, the same for {@code serve} and {@code train}.
 *
 * @param sftRate         SFT's learning rate schedule
 * @param rate            the preference stage's
 * @param sftDedupeWindow SFT skips a (prompt, y_ws) pair seen among the last this many (0: off)
 * @param checkpointEvery updates between checkpoints
 * @param lora            LoRA adapters on a frozen base; empty: every weight trains
 */
public record TrainingRecipe(
        LearningRate sftRate,
        LearningRate rate,
        Optimization optimization,
        PreferenceObjective preference,
        int microBatch,
        int sftDedupeWindow,
        int checkpointEvery,
        Optional<LoraSettings> lora) {

    public TrainingRecipe {
        Checks.require(
                sftRate != null && rate != null && optimization != null && preference != null,
                "a recipe needs both learning rates, the optimization and the preference objective");
        Checks.require(microBatch >= 1, "--micro-batch must be >= 1, got " + microBatch);
        Checks.require(sftDedupeWindow >= 0, "--sft-dedupe-window must be >= 0, got " + sftDedupeWindow);
        Checks.require(checkpointEvery >= 1, "--checkpoint-every must be >= 1 update, got " + checkpointEvery);
        Checks.require(lora != null, "lora is Optional.empty() for full fine-tuning, not null");
        Checks.require(
                !optimization.checkpointLayers()
                        || lora.map(l -> l.dropout() == 0).orElse(true),
                "--activation-checkpointing needs --lora-dropout 0: the recomputed layers would draw other dropout"
                        + " masks than the first pass, and the gradients would not be the loss's");
    }
}
