package dev.fuseflow.trainer.service;

import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.RunStateCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit of a service run: following the {@code parent} links from the newest checkpoint back
 * to the first, the ids of the samples each one trained. Exactly once means every produced sample
 * id appears in this list once. Needs every checkpoint of the lineage (a retention that prunes
 * them ends the walk early, which this reports).
 */
public final class CheckpointLineage {

    private CheckpointLineage() {}

    /** Sample ids in training order, oldest first; empty before the first checkpoint. */
    public static List<String> trainedSampleIds(Path checkpointsRoot) throws IOException {
        List<Path> complete = CheckpointStore.complete(checkpointsRoot);
        List<String> trained = new ArrayList<>();
        Path checkpoint = complete.isEmpty() ? null : complete.get(complete.size() - 1);
        while (checkpoint != null) {
            RunState.Audit audit = RunStateCodec.read(checkpoint).audit();
            trained.addAll(0, audit.trainedSamples());
            if (audit.parent().isEmpty()) {
                break;
            }
            checkpoint = checkpoint.resolveSibling(audit.parent().get());
            if (!Files.isDirectory(checkpoint)) {
                throw new IllegalStateException("the lineage is cut at " + checkpoint.getFileName()
                        + ": pruned by retention; the audit needs every checkpoint");
            }
        }
        return trained;
    }

    /** Samples covered by the newest checkpoint: the sum of its next offsets over partitions. */
    public static long coveredOffsets(Path checkpointsRoot) throws IOException {
        List<Path> complete = CheckpointStore.complete(checkpointsRoot);
        if (complete.isEmpty()) {
            return 0;
        }
        return RunStateCodec.read(complete.get(complete.size() - 1)).position().offsets().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
