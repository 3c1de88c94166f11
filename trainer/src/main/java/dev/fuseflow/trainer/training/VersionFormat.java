package dev.fuseflow.trainer.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.publish.Artifact;
import java.io.IOException;
import java.nio.file.Path;

/** What a published version of the policy holds, and how it is read back to be scored. */
public interface VersionFormat {

    /** Writes the policy as it is now as a version's files. */
    void write(Path folder) throws IOException;

    /** What {@link #write} writes, as a version's record announces it. */
    Artifact artifact();

    /** A version written by {@link #write}, as a model to score. */
    CausalLanguageModel load(Path folder, NDManager manager, DataType dataType) throws IOException;
}
