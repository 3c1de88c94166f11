package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.train.ComputeDevice;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a run trains and where: the starting model folder (Hugging Face layout, with its
 * tokenizer), the run folder (checkpoints, the reference model), the device, the sequence budget
 * and the recipe. How long each stage runs is the feed's to say: a {@link StagePlan}.
 *
 * @param mergedLoraVersions a LoRA run's published versions also hold the full model with the adapter
 *     merged in, in {@value LoraWeights#MERGED} (for servers that load no adapters); only with LoRA
 */
public record TrainingSetup(
        Path model,
        Path output,
        ComputeDevice device,
        SequenceBudget budget,
        TrainingRecipe recipe,
        int keepCheckpoints,
        boolean mergedLoraVersions) {

    public TrainingSetup {
        Checks.require(model != null && output != null, "--model and --output are required");
        device = Objects.requireNonNullElse(device, ComputeDevice.AUTO);
        Checks.require(budget != null && recipe != null, "a run needs a sequence budget and a recipe");
        Checks.require(keepCheckpoints >= 1, "--keep-checkpoints must be >= 1, got " + keepCheckpoints);
        Checks.require(
                !mergedLoraVersions || recipe.lora().isPresent(),
                "--lora-merged-versions merges an adapter into its base: it needs --lora-rank >= 1");
    }

    Path checkpoints() {
        return output.resolve(TrainingLoop.CHECKPOINTS);
    }
}
