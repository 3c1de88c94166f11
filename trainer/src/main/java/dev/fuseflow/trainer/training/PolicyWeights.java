package dev.fuseflow.trainer.training;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a run trains and keeps of the policy: every weight ({@link WholeModelWeights}) or LoRA
 * adapters on a frozen base ({@link LoraWeights}). Each decides how the policy is opened at a
 * start point, what the preference stage's reference is, what leaving SFT keeps, and what
 * checkpoints and published versions hold.
 */
sealed interface PolicyWeights extends VersionFormat permits WholeModelWeights, LoraWeights {

    static PolicyWeights of(TrainingSetup setup) {
        return setup.recipe()
                .lora()
                .<PolicyWeights>map(settings -> new LoraWeights(setup, settings))
                .orElseGet(() -> new WholeModelWeights(setup));
    }

    /** The policy as the run stands at {@code start}, in the recipe's compute type on {@code manager}'s device. */
    CausalLanguageModel open(TrainingLoop.StartPoint start, NDManager manager) throws IOException;

    /** The frozen reference of the preference stage: the SFT model, or the starting model without an SFT stage. */
    CausalLanguageModel reference(NDManager manager) throws IOException;

    /** Keeps, as the SFT stage ends, what the reference is from then on. */
    void leaveSft() throws IOException;

    /** The model part of a checkpoint, beside the optimizer state and the run state. */
    void writeCheckpoint(Path folder) throws IOException;
}
