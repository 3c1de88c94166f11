package dev.fuseflow.trainer.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.TrainedLedger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lineage read back through retention, crashes between ledger entry and checkpoint, and a cut ledger. */
class CheckpointLineageTest {

    @TempDir
    Path root;

    @Test
    void checkpointsPrunedByRetentionAreStillAuditedFromTheLedger() throws Exception {
        CheckpointStore store = new CheckpointStore(root, 2);
        String parent = null;
        for (int step = 1; step <= 5; step++) {
            parent = checkpoint(store, step, parent, List.of("s" + step + "a", "s" + step + "b"));
        }

        List<CheckpointLineage.Link> links = CheckpointLineage.of(root);

        assertThat(store.list()).hasSize(2);
        assertThat(links).extracting(CheckpointLineage.Link::kept).containsExactly(false, false, false, true, true);
        assertThat(CheckpointLineage.trainedSampleIds(root))
                .containsExactly("s1a", "s1b", "s2a", "s2b", "s3a", "s3b", "s4a", "s4b", "s5a", "s5b");
        assertThat(CheckpointLineage.snapshot(root).covered()).isEqualTo(Map.of(new TopicPartition("prefs", 0), 10L));
    }

    @Test
    void anEntryOfACheckpointThatNeverBecameDurableIsNotPartOfTheLineageAndIsReplacedByTheNextAttempt()
            throws Exception {
        CheckpointStore store = new CheckpointStore(root, 2);
        String first = checkpoint(store, 1, null, List.of("a"));
        String second = checkpoint(store, 2, first, List.of("b"));
        // A crash after the ledger entry of step 3, before its folder was renamed into place.
        TrainedLedger.write(root, entry(3, second, List.of("c", "d")));

        assertThat(CheckpointLineage.trainedSampleIds(root)).containsExactly("a", "b");

        // The restart resumes from step 2, trains c again and checkpoints step 3 for real.
        checkpoint(store, 3, second, List.of("c"));
        assertThat(CheckpointLineage.trainedSampleIds(root)).containsExactly("a", "b", "c");
    }

    @Test
    void aPrunedCheckpointWithoutALedgerEntryCutsTheLineageWithAnErrorNamingIt() throws Exception {
        CheckpointStore store = new CheckpointStore(root, 1);
        String first = checkpoint(store, 1, null, List.of("a"));
        checkpoint(store, 2, first, List.of("b"));
        Files.delete(root.resolve(TrainedLedger.FOLDER).resolve(first + ".json"));

        assertThatThrownBy(() -> CheckpointLineage.of(root))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the lineage is cut at step-000000001")
                .hasMessageContaining("pruned by retention");
    }

    @Test
    void aRunFromBeforeTheLedgerIsReadFromItsKeptCheckpoints() throws Exception {
        CheckpointStore store = new CheckpointStore(root, 5);
        store.write(1, folder -> state(folder, null, "a"));
        store.write(2, folder -> state(folder, "step-000000001", "b"));

        assertThat(CheckpointLineage.of(root))
                .extracting(CheckpointLineage.Link::checkpoint, CheckpointLineage.Link::trainedSamples)
                .containsExactly(tuple("step-000000001", List.of("a")), tuple("step-000000002", List.of("b")));
    }

    @Test
    void noCheckpointYetIsAnEmptyLineage() throws Exception {
        assertThat(CheckpointLineage.snapshot(root).links()).isEmpty();
        assertThat(CheckpointLineage.coveredOffsets(root)).isZero();
    }

    /** A checkpoint as the training loop writes one: its ledger entry inside the folder's write. */
    private static String checkpoint(CheckpointStore store, long step, String parent, List<String> trained)
            throws Exception {
        return store.write(step, folder -> TrainedLedger.write(folder.getParent(), entry(step, parent, trained)))
                .getFileName()
                .toString();
    }

    private static TrainedLedger.Entry entry(long step, String parent, List<String> trained) {
        return new TrainedLedger.Entry(CheckpointStore.folderName(step), parent, Map.of("prefs-0", step * 2), trained);
    }

    private static void state(Path folder, String parent, String trained) throws IOException {
        Files.writeString(
                folder.resolve("trainer_state.json"),
                "{\"stage\":\"SFT\",\"offsets\":{\"prefs-0\":1},\"trainedSamples\":[\"" + trained + "\"],\"parent\":"
                        + (parent == null ? "null" : "\"" + parent + "\"") + "}");
    }
}
