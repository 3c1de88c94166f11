package dev.fuseflow.trainer.training;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.PartitionKeys;
import dev.fuseflow.trainer.checkpoint.TrainedLedger;
import dev.fuseflow.trainer.checkpoint.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RunState} as {@code trainer_state.json} holds it: partitions as {@code topic-partition}
 * strings (only here), the update count taken from the checkpoint's folder name. Reads the files of
 * earlier versions too (a streaming run's {@code "WRPO"} stage, a file run's {@code updates}).
 */
public final class RunStateCodec {

    private RunStateCodec() {}

    /** The JSON form; field names are the file's. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    // More than eight components: the checkpoint file's JSON fields, bound by name by Jackson.
    @SuppressWarnings("checkstyle:RecordComponentNumber")
    record Json(
            Stage stage,
            @JsonAlias("updates") long stageUpdates,
            @JsonAlias("microBatches") long stageMicroBatches,
            long sftSamples,
            long trainedTotal,
            int epoch,
            int nextMicroBatch,
            Map<String, Long> offsets,
            List<String> trainedSamples,
            String parent) {}

    static Json toJson(RunState state) {
        FeedPosition position = state.position();
        return new Json(
                state.stage(),
                state.stageUpdates(),
                state.stageMicroBatches(),
                state.sftSamples(),
                state.trainedTotal(),
                position.epoch(),
                position.nextMicroBatch(),
                PartitionKeys.asStrings(position.offsets()),
                state.audit().trainedSamples(),
                state.audit().parent().orElse(null));
    }

    /** What the trained-sample ledger keeps of {@code state} checkpointed as {@code checkpoint}. */
    public static TrainedLedger.Entry ledgerEntry(String checkpoint, RunState state) {
        return new TrainedLedger.Entry(
                checkpoint,
                state.audit().parent().orElse(null),
                PartitionKeys.asStrings(state.position().offsets()),
                state.audit().trainedSamples());
    }

    /** The state saved in a checkpoint folder. */
    public static RunState read(Path checkpoint) throws IOException {
        Json json = TrainingCheckpoint.state(checkpoint, Json.class);
        FeedPosition position = new FeedPosition(
                PartitionKeys.parsed(Objects.requireNonNullElse(json.offsets(), Map.of())),
                json.epoch(),
                json.nextMicroBatch());
        RunState.Audit audit = new RunState.Audit(
                Objects.requireNonNullElse(json.trainedSamples(), List.of()), Optional.ofNullable(json.parent()));
        return new RunState(
                json.stage(),
                CheckpointStore.step(checkpoint),
                json.stageUpdates(),
                json.stageMicroBatches(),
                json.sftSamples(),
                json.trainedTotal(),
                position,
                audit);
    }
}
