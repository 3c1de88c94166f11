package dev.fuseflow.trainer.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.trainer.audit.CheckpointLineage.Link;
import dev.fuseflow.trainer.audit.ExactlyOnceAudit.RecordAt;
import dev.fuseflow.trainer.audit.ExactlyOnceAudit.TopicRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The audit's verdict on each fate a record can meet, without Kafka or checkpoints. */
class ExactlyOnceAuditTest {

    private static final String TOPIC = "prefs";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    @Test
    void everyCoveredSampleTrainedOnceIsExactlyOnceAndRecordsPastTheCheckpointAreOnlyCounted() {
        List<TopicRecord> records = List.of(
                TopicRecord.of(P0, 0, "a"),
                TopicRecord.of(P0, 1, "b"),
                TopicRecord.of(P1, 0, "c"),
                TopicRecord.of(P1, 1, "late"));
        List<Link> lineage = List.of(
                new Link("step-000000002", List.of("a", "c"), false), new Link("step-000000004", List.of("b"), true));

        AuditReport report = ExactlyOnceAudit.audit(TOPIC, records, trained(lineage, Map.of(P0, 2L, P1, 1L)));

        assertThat(report.exactlyOnce()).isTrue();
        assertThat(report.topic()).isEqualTo(new AuditReport.Topic(TOPIC, 4, 4, 0, 0, 1));
        assertThat(report.lineage()).isEqualTo(new AuditReport.Lineage("step-000000004", 2, 1, 3, 3));
    }

    @Test
    void aSampleTrainedByTwoCheckpointsIsADuplicateNamingBoth() {
        List<TopicRecord> records = List.of(TopicRecord.of(P0, 0, "a"), TopicRecord.of(P0, 1, "b"));
        List<Link> lineage = List.of(
                new Link("step-000000002", List.of("a", "b"), true), new Link("step-000000004", List.of("b"), true));

        AuditReport report = ExactlyOnceAudit.audit(TOPIC, records, trained(lineage, Map.of(P0, 2L)));

        assertThat(report.exactlyOnce()).isFalse();
        assertThat(report.duplicates())
                .containsExactly(new AuditReport.Duplicate("b", List.of("step-000000002", "step-000000004")));
        assertThat(report.lineage().trainedIds()).isEqualTo(3);
        assertThat(report.lineage().trainedOnce()).isEqualTo(1);
        assertThat(report.missing()).isEmpty();
    }

    @Test
    void aCoveredSampleNotTrainedIsMissingUnlessHeldOutOrDeadLettered() {
        List<TopicRecord> records = List.of(
                TopicRecord.of(P0, 0, "trained"),
                TopicRecord.of(P0, 1, "held"),
                TopicRecord.of(P0, 2, "lettered"),
                TopicRecord.of(P0, 3, null), // not a PreferenceSample, dead-lettered
                TopicRecord.of(P0, 4, "lost"),
                TopicRecord.of(P0, 5, null)); // not a sample and no letter either
        ExactlyOnceAudit.Trained trained = new ExactlyOnceAudit.Trained(
                List.of(new Link("step-000000002", List.of("trained"), true)),
                Map.of(P0, 6L),
                Set.of(new RecordAt(P0, 2), new RecordAt(P0, 3)),
                "held"::equals);

        AuditReport report = ExactlyOnceAudit.audit(TOPIC, records, trained);

        assertThat(report.missing())
                .containsExactly(
                        new AuditReport.Missing("prefs-0", 4, "lost"), new AuditReport.Missing("prefs-0", 5, null));
        assertThat(report.topic().heldOut()).isEqualTo(1);
        assertThat(report.topic().deadLettered()).isEqualTo(2);
        assertThat(report.topic().samples()).isEqualTo(4);
        assertThat(report.exactlyOnce()).isFalse();
    }

    @Test
    void aTrainedIdNoRecordCarriesIsUnknown() {
        List<TopicRecord> records = List.of(TopicRecord.of(P0, 0, "a"));
        List<Link> lineage = List.of(new Link("step-000000002", List.of("a", "from-elsewhere"), true));

        AuditReport report = ExactlyOnceAudit.audit(TOPIC, records, trained(lineage, Map.of(P0, 1L)));

        assertThat(report.unknown()).containsExactly("from-elsewhere");
        assertThat(report.exactlyOnce()).isFalse();
    }

    @Test
    void beforeTheFirstCheckpointNothingIsCoveredAndNothingIsWrong() {
        AuditReport report =
                ExactlyOnceAudit.audit(TOPIC, List.of(TopicRecord.of(P0, 0, "a")), trained(List.of(), Map.of()));

        assertThat(report.exactlyOnce()).isTrue();
        assertThat(report.topic().notYetCovered()).isEqualTo(1);
        assertThat(report.lineage().newestCheckpoint()).isNull();
    }

    private static ExactlyOnceAudit.Trained trained(List<Link> lineage, Map<TopicPartition, Long> covered) {
        return new ExactlyOnceAudit.Trained(lineage, covered, Set.of(), id -> false);
    }
}
