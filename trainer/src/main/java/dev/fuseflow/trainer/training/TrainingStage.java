package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.train.OptimizerStep;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.util.List;
import java.util.Optional;

/** A stage as the loop runs it: it owns its optimizer step, its schedules and the metrics of its updates. */
public sealed interface TrainingStage permits SftStage, PreferenceStage {

    Stage stage();

    /** The optimizer step, whose state checkpoints save. */
    OptimizerStep step();

    /** Which of a micro-batch's usable samples this stage trains (SFT skips answers it saw lately). */
    List<WrpoExample> trainable(List<WrpoExample> usable);

    /** Trains on one micro-batch; {@code before} is the run's state before it (the schedules read it). */
    StepReport train(PreferenceBatch batch, RunState before);

    /** The frozen reference of a preference stage; none in SFT. */
    default Optional<CausalLanguageModel> reference() {
        return Optional.empty();
    }

    /** Real (unpadded) tokens of some sequences. */
    static long realTokens(PreferenceBatch.Sequences... sequences) {
        long tokens = 0;
        for (PreferenceBatch.Sequences s : sequences) {
            for (long[] row : s.attention()) {
                for (long flag : row) {
                    tokens += flag;
                }
            }
        }
        return tokens;
    }
}
