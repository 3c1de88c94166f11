package dev.fuseflow.trainer.audit;

import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.PartitionKeys;
import dev.fuseflow.trainer.checkpoint.TrainedLedger;
import dev.fuseflow.trainer.training.RunStateCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The lineage of a run's newest durable checkpoint: following the {@code parent} links back to the
 * first checkpoint, the ids of the samples each one trained. Exactly once means every produced
 * sample id appears once along it. Only this chain counts: samples trained after a checkpoint by a
 * process that then crashed were never covered by a durable checkpoint and train again after the
 * restart. Read from the {@link TrainedLedger}, which retention never prunes (a run from before
 * the ledger: from the checkpoints' own {@code trainer_state.json}, as long as all are kept).
 */
public final class CheckpointLineage {

    /**
     * One checkpoint of the lineage.
     *
     * @param checkpoint     its folder name
     * @param trainedSamples the ids it trained since its parent, in training order
     * @param kept           whether its folder is still there (else only its ledger entry is)
     */
    public record Link(String checkpoint, List<String> trainedSamples, boolean kept) {
        public Link {
            trainedSamples = List.copyOf(trainedSamples);
        }
    }

    /**
     * The lineage as one read sees it: its links and the offsets its newest checkpoint covers.
     *
     * @param links   the checkpoints, oldest first; empty before the first checkpoint
     * @param covered the next offset to train per partition, as the newest checkpoint holds it
     */
    public record Snapshot(List<Link> links, Map<TopicPartition, Long> covered) {
        public Snapshot {
            links = List.copyOf(links);
            covered = Map.copyOf(covered);
        }
    }

    private CheckpointLineage() {}

    /**
     * Reads the lineage of the newest durable checkpoint. Safe while {@code serve} writes: the newest
     * checkpoint is never pruned, and the ledger, which is read first, never is.
     */
    public static Snapshot snapshot(Path checkpointsRoot) throws IOException {
        List<Path> complete = CheckpointStore.complete(checkpointsRoot);
        if (complete.isEmpty()) {
            return new Snapshot(List.of(), Map.of());
        }
        Path newest = complete.get(complete.size() - 1);
        Map<TopicPartition, Long> covered = PartitionKeys.parsed(
                entry(checkpointsRoot, newest.getFileName().toString()).offsets());
        List<Link> links = new ArrayList<>();
        Optional<String> next = Optional.of(newest.getFileName().toString());
        long below = Long.MAX_VALUE;
        while (next.isPresent()) {
            String name = next.get();
            long step = CheckpointStore.step(Path.of(name));
            if (step >= below) {
                throw new IllegalStateException("the lineage loops at " + name + ": a parent must have a lower step");
            }
            below = step;
            TrainedLedger.Entry entry = entry(checkpointsRoot, name);
            links.add(new Link(name, entry.trainedSamples(), Files.isDirectory(checkpointsRoot.resolve(name))));
            next = entry.parentName();
        }
        Collections.reverse(links);
        return new Snapshot(links, covered);
    }

    /** The lineage, oldest checkpoint first; empty before the first checkpoint. */
    public static List<Link> of(Path checkpointsRoot) throws IOException {
        return snapshot(checkpointsRoot).links();
    }

    /**
     * A checkpoint's ledger entry, or for a run from before the ledger its own state while it is kept
     * (then the same ids, parent and offsets).
     */
    private static TrainedLedger.Entry entry(Path checkpointsRoot, String name) throws IOException {
        Optional<TrainedLedger.Entry> recorded = TrainedLedger.read(checkpointsRoot, name);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        Path folder = checkpointsRoot.resolve(name);
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("the lineage is cut at " + name
                    + ": its folder was pruned by retention and the ledger "
                    + checkpointsRoot.resolve(TrainedLedger.FOLDER)
                    + " has no entry for it (a run from before the ledger?)");
        }
        return RunStateCodec.ledgerEntry(name, RunStateCodec.read(folder));
    }

    /** Sample ids in training order, oldest first; empty before the first checkpoint. */
    public static List<String> trainedSampleIds(Path checkpointsRoot) throws IOException {
        return of(checkpointsRoot).stream()
                .flatMap(link -> link.trainedSamples().stream())
                .toList();
    }

    /** Samples covered by the newest checkpoint: the sum of its next offsets over partitions. */
    public static long coveredOffsets(Path checkpointsRoot) throws IOException {
        return snapshot(checkpointsRoot).covered().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
