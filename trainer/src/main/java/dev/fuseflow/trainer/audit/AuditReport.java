package dev.fuseflow.trainer.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the exactly-once audit found: the topic's records sorted by what became of them, the
 * lineage's trained ids, and the three ways exactly once can fail, each listed in full.
 *
 * @param topic      the preferences topic's records
 * @param lineage    the newest durable checkpoint's lineage
 * @param duplicates sample ids trained more than once, with the checkpoints that trained them
 * @param missing    records the newest checkpoint covers that were neither trained, held out nor dead-lettered
 * @param unknown    trained sample ids that no record of the topic carries
 */
public record AuditReport(
        Topic topic, Lineage lineage, List<Duplicate> duplicates, List<Missing> missing, List<String> unknown) {

    public AuditReport {
        duplicates = List.copyOf(duplicates);
        missing = List.copyOf(missing);
        unknown = List.copyOf(unknown);
    }

    /**
     * The topic read to its end (read_committed).
     *
     * @param name          the topic
     * @param records       its records
     * @param samples       distinct sample ids among them
     * @param deadLettered  records the trainer dead-lettered instead of training
     * @param heldOut       samples of the eval bucket (never trained)
     * @param notYetCovered records at or past the newest checkpoint's offsets: not trained yet, not audited
     */
    public record Topic(String name, long records, long samples, long deadLettered, long heldOut, long notYetCovered) {}

    /**
     * The lineage from the newest durable checkpoint back to the first.
     *
     * @param newestCheckpoint its newest checkpoint's folder name; null before the first checkpoint
     * @param checkpoints      checkpoints along it
     * @param pruned           of those, how many were pruned by retention (read from the ledger)
     * @param trainedIds       trained ids along it, repeats counted
     * @param trainedOnce      distinct ids trained exactly once
     */
    public record Lineage(String newestCheckpoint, int checkpoints, int pruned, long trainedIds, long trainedOnce) {}

    /** A sample id trained more than once, and the checkpoints that trained it (one entry per time). */
    public record Duplicate(String sampleId, List<String> checkpoints) {
        public Duplicate {
            checkpoints = List.copyOf(checkpoints);
        }
    }

    /**
     * A record the newest checkpoint covers but nothing accounts for.
     *
     * @param partition {@code topic-partition}
     * @param offset    its offset
     * @param sampleId  its sample id; null when it is not a PreferenceSample (and was not dead-lettered either)
     */
    public record Missing(String partition, long offset, String sampleId) {}

    /** Whether every covered sample trained exactly once and nothing else trained (in the JSON too, for scripts). */
    @JsonProperty("exactlyOnce")
    public boolean exactlyOnce() {
        return duplicates.isEmpty() && missing.isEmpty() && unknown.isEmpty();
    }
}
