package dev.fuseflow.trainer.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.publish.Artifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Full fine-tuning: every weight trains; checkpoints and versions are whole Hugging Face folders;
 * leaving SFT saves the SFT model in the run folder, loaded as a second, frozen model for the
 * preference stage's reference.
 */
final class WholeModelWeights implements PolicyWeights {

    private final TrainingSetup setup;
    private CausalLanguageModel policy;

    WholeModelWeights(TrainingSetup setup) {
        this.setup = setup;
    }

    @Override
    public CausalLanguageModel open(TrainingLoop.StartPoint start, NDManager manager) throws IOException {
        policy = ModelDirectory.load(start.checkpoint().orElse(setup.model()), manager, computeType());
        return policy;
    }

    @Override
    public CausalLanguageModel reference(NDManager manager) throws IOException {
        Path sftModel = sftModel();
        CausalLanguageModel reference =
                ModelDirectory.load(Files.isDirectory(sftModel) ? sftModel : setup.model(), manager, computeType());
        reference.freezeParameters(true);
        return reference;
    }

    @Override
    public void leaveSft() throws IOException {
        CheckpointStore.writeAtomically(sftModel(), folder -> ModelDirectory.saveExact(policy, folder, setup.model()));
    }

    @Override
    public void writeCheckpoint(Path folder) throws IOException {
        ModelDirectory.saveExact(policy, folder, setup.model());
    }

    @Override
    public void write(Path folder) throws IOException {
        ModelDirectory.save(policy, folder, setup.model());
    }

    @Override
    public Artifact artifact() {
        return Artifact.FULL_MODEL;
    }

    @Override
    public CausalLanguageModel load(Path folder, NDManager manager, DataType dataType) throws IOException {
        return ModelDirectory.load(folder, manager, dataType);
    }

    private Path sftModel() {
        return setup.output().resolve(TrainingLoop.REFERENCE);
    }

    private DataType computeType() {
        return setup.recipe().optimization().precision().computeType();
    }
}
