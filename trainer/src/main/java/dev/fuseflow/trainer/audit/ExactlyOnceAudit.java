package dev.fuseflow.trainer.audit;

import dev.fuseflow.trainer.checkpoint.PartitionKeys;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The exactly-once audit as a pure function: the preferences topic's records against the ids the
 * newest checkpoint's lineage trained. Every record below the newest checkpoint's offsets must be
 * accounted for: trained (once), held out for evaluation, or dead-lettered by the trainer. Records
 * past those offsets are not trained yet and are only counted.
 */
public final class ExactlyOnceAudit {

    /** Where a record is: its partition and offset. */
    public record RecordAt(TopicPartition partition, long offset) {}

    /**
     * A record of the preferences topic.
     *
     * @param at       where it is
     * @param sampleId the sample id it carries; null when it is not a PreferenceSample
     */
    public record TopicRecord(RecordAt at, String sampleId) {
        public static TopicRecord of(TopicPartition partition, long offset, String sampleId) {
            return new TopicRecord(new RecordAt(partition, offset), sampleId);
        }
    }

    /**
     * What the trainer's side holds.
     *
     * @param lineage      the newest checkpoint's lineage, oldest first
     * @param covered      the next offset to train per partition, as the newest checkpoint holds it
     * @param deadLettered records the trainer wrote to the dead-letter topic
     * @param heldOut      which sample ids the eval bucket holds out
     */
    public record Trained(
            List<CheckpointLineage.Link> lineage,
            Map<TopicPartition, Long> covered,
            Set<RecordAt> deadLettered,
            Predicate<String> heldOut) {}

    /** What became of a record of the topic. */
    private enum Fate {
        NOT_YET_COVERED,
        DEAD_LETTERED,
        HELD_OUT,
        TRAINED,
        MISSING
    }

    private ExactlyOnceAudit() {}

    public static AuditReport audit(String topic, List<TopicRecord> records, Trained trained) {
        Map<String, List<String>> trainedIn = new LinkedHashMap<>();
        for (CheckpointLineage.Link link : trained.lineage()) {
            link.trainedSamples()
                    .forEach(id -> trainedIn
                            .computeIfAbsent(id, unused -> new ArrayList<>())
                            .add(link.checkpoint()));
        }
        Set<String> inTopic = new HashSet<>();
        Map<Fate, Long> fates = new EnumMap<>(Fate.class);
        List<AuditReport.Missing> missing = new ArrayList<>();
        for (TopicRecord record : records) {
            if (record.sampleId() != null) {
                inTopic.add(record.sampleId());
            }
            Fate fate = fate(record, trained, trainedIn.keySet());
            fates.merge(fate, 1L, Long::sum);
            if (fate == Fate.MISSING) {
                missing.add(new AuditReport.Missing(
                        PartitionKeys.of(record.at().partition()), record.at().offset(), record.sampleId()));
            }
        }
        List<AuditReport.Duplicate> duplicates = trainedIn.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(e -> new AuditReport.Duplicate(e.getKey(), e.getValue()))
                .toList();
        List<String> unknown =
                trainedIn.keySet().stream().filter(id -> !inTopic.contains(id)).toList();
        return new AuditReport(
                new AuditReport.Topic(
                        topic,
                        records.size(),
                        inTopic.size(),
                        fates.getOrDefault(Fate.DEAD_LETTERED, 0L),
                        fates.getOrDefault(Fate.HELD_OUT, 0L),
                        fates.getOrDefault(Fate.NOT_YET_COVERED, 0L)),
                lineage(trained.lineage(), trainedIn),
                duplicates,
                missing,
                unknown);
    }

    /** What became of a record, by the trainer's side. */
    private static Fate fate(TopicRecord record, Trained trained, Set<String> trainedIds) {
        if (record.at().offset() >= trained.covered().getOrDefault(record.at().partition(), 0L)) {
            return Fate.NOT_YET_COVERED;
        }
        if (trained.deadLettered().contains(record.at())) {
            return Fate.DEAD_LETTERED;
        }
        if (record.sampleId() == null) {
            return Fate.MISSING; // neither a sample nor dead-lettered: the trainer passed it without a trace
        }
        if (trained.heldOut().test(record.sampleId())) {
            return Fate.HELD_OUT;
        }
        return trainedIds.contains(record.sampleId()) ? Fate.TRAINED : Fate.MISSING;
    }

    private static AuditReport.Lineage lineage(
            List<CheckpointLineage.Link> links, Map<String, List<String>> trainedIn) {
        return new AuditReport.Lineage(
                links.isEmpty() ? null : links.get(links.size() - 1).checkpoint(),
                links.size(),
                (int) links.stream().filter(link -> !link.kept()).count(),
                trainedIn.values().stream().mapToLong(List::size).sum(),
                trainedIn.values().stream().filter(in -> in.size() == 1).count());
    }
}
