package dev.fuseflow.trainer.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The trained-sample ledger: for every checkpoint a small file {@code lineage/step-NNNNNNNNN.json}
 * under the checkpoints root with what the exactly-once audit needs of it (its parent, the offsets
 * it covers, the ids trained since the parent), and nothing else. Retention prunes checkpoint
 * folders (weights, optimizer) but never this folder, so the audit can follow the lineage back to
 * the first checkpoint however many were pruned.
 *
 * <p>An entry is written and fsynced inside its checkpoint's temporary folder write, before the
 * checkpoint is renamed into place: a crash in between leaves an entry for a checkpoint that never
 * became durable. No durable checkpoint names it as its parent, so an audit walking the parent
 * links back from the newest durable checkpoint never reads it, and the next attempt at that step
 * replaces it.
 */
public final class TrainedLedger {

    /** The ledger's folder under the checkpoints root (not a {@code step-} name, so no store lists it). */
    public static final String FOLDER = "lineage";

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /**
     * One checkpoint's entry.
     *
     * @param checkpoint     the checkpoint's folder name, {@code step-NNNNNNNNN}
     * @param parent         the previous checkpoint's folder name; null for the first
     * @param offsets        the next offset to train per partition ({@code topic-partition}) once it is durable
     * @param trainedSamples sample ids trained since the parent, in training order
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String checkpoint, String parent, Map<String, Long> offsets, List<String> trainedSamples) {
        public Entry {
            Objects.requireNonNull(checkpoint, "checkpoint");
            offsets = Map.copyOf(Objects.requireNonNullElse(offsets, Map.of()));
            trainedSamples = List.copyOf(Objects.requireNonNullElse(trainedSamples, List.of()));
        }

        public Optional<String> parentName() {
            return Optional.ofNullable(parent);
        }
    }

    private TrainedLedger() {}

    /** Writes {@code entry} whole or not at all, durable (file and folder fsynced) when this returns. */
    public static void write(Path checkpointsRoot, Entry entry) throws IOException {
        Path folder = checkpointsRoot.resolve(FOLDER);
        Files.createDirectories(folder);
        CheckpointStore.writeFileAtomically(
                file(checkpointsRoot, entry.checkpoint()), temp -> JSON.writeValue(temp.toFile(), entry));
        // The rename is durable only with its folder: otherwise a power cut could keep the checkpoint, lose the entry.
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** The entry of the checkpoint named {@code checkpoint}, if the ledger has one. */
    public static Optional<Entry> read(Path checkpointsRoot, String checkpoint) throws IOException {
        Path file = file(checkpointsRoot, checkpoint);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Entry entry = JSON.readValue(file.toFile(), Entry.class);
        if (!entry.checkpoint().equals(checkpoint)) {
            throw new IllegalStateException(
                    file + " holds the entry of " + entry.checkpoint() + ", not of " + checkpoint);
        }
        return Optional.of(entry);
    }

    private static Path file(Path checkpointsRoot, String checkpoint) {
        CheckpointStore.step(Path.of(checkpoint)); // refuses a name that is not step-NNNNNNNNN
        return checkpointsRoot.resolve(FOLDER).resolve(checkpoint + ".json");
    }
}
