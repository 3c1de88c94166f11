package dev.fuseflow.trainer.training;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a streaming run does with its candidates: {@code GatedPublication} (the service's) holds an eval bucket out
 * of training, scores candidates on it and publishes those that pass its gate; {@link #none()}
 * trains every sample and publishes nothing.
 */
public interface Publication {

    /** Keeps the sample for evaluation instead of training it; true means: do not train it. None is, unless overridden. */
    default boolean holdOut(WrpoExample example) {
        return false;
    }

    /** Samples of these record times trained: the next published version's freshness. Ignored unless overridden. */
    default void trained(List<Long> sampleTimestamps) {}

    /** Whether a candidate is due at this state. */
    boolean due(RunState state);

    /** Scores the candidate, gates it, and publishes or rejects it. */
    Outcome evaluate(Candidate candidate) throws IOException;

    /** Saves what a restart needs (the eval set) into the run folder, before each checkpoint; nothing by default. */
    default void save(Path runFolder) throws IOException {}

    /** Restores what {@link #save} wrote, if anything. */
    default void restore(Path runFolder) throws IOException {}

    /**
     * The model to judge and what it covers.
     *
     * @param reference the frozen reference in the preference stage; empty in SFT
     * @param format    what a version of the policy holds (a whole model or an adapter) and how it is read back
     */
    record Candidate(
            CausalLanguageModel policy,
            Optional<CausalLanguageModel> reference,
            NDManager manager,
            PreferenceBatcher batcher,
            RunState state,
            VersionFormat format) {}

    /**
     * The candidate's version number and what became of it.
     *
     * @param trainedSampleTimestamps record times of the samples it is the first published version of (PUBLISHED only)
     */
    record Outcome(long version, ModelVersionStatus status, List<Long> trainedSampleTimestamps) {
        public Outcome {
            trainedSampleTimestamps = List.copyOf(trainedSampleTimestamps);
        }
    }

    /** Every sample trains; no candidate is ever due. */
    static Publication none() {
        return NoPublication.INSTANCE;
    }

    /** {@link #none()}. */
    enum NoPublication implements Publication {
        INSTANCE;

        @Override
        public boolean due(RunState state) {
            return false;
        }

        @Override
        public Outcome evaluate(Candidate candidate) {
            throw new IllegalStateException("no publication is configured; no candidate is ever due");
        }
    }
}
