package dev.fuseflow.trainer.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.training.Objective;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataSplitTest {

    private static final List<WrpoExample> EXAMPLES = ShoutTask.samples(30, 7);

    @Test
    void sftAndPreferenceSetsAreDisjointAndCoverEverything() {
        DataSplit split = DataSplit.of(EXAMPLES, 1.0 / 3, Objective.WRPO, 42);
        assertThat(split.sft()).hasSize(10);
        assertThat(split.preference()).hasSize(20);
        Set<String> ids = new HashSet<>();
        split.sft().forEach(e -> ids.add(e.sampleId()));
        split.preference().forEach(e -> assertThat(ids.add(e.sampleId())).isTrue());
        assertThat(ids).hasSize(30);
        assertThat(DataSplit.of(EXAMPLES, 1.0 / 3, Objective.WRPO, 42)).isEqualTo(split);
        assertThat(DataSplit.of(EXAMPLES, 1.0 / 3, Objective.WRPO, 43)).isNotEqualTo(split);
        assertThat(DataSplit.of(EXAMPLES, 0.2, Objective.SFT, 42).preference())
                .as("SFT alone uses everything")
                .isEmpty();
        assertThat(DataSplit.of(EXAMPLES, 0, Objective.WRPO, 42).sft()).isEmpty();
    }

    @Test
    void epochOrderIsAPureFunctionOfSeedAndEpoch() {
        List<List<WrpoExample>> epoch0 = DataSplit.microBatches(EXAMPLES, 42, 0, 8);
        assertThat(epoch0).hasSize(4);
        assertThat(epoch0.get(3)).hasSize(6);
        assertThat(DataSplit.microBatches(EXAMPLES, 42, 0, 8)).isEqualTo(epoch0);
        assertThat(DataSplit.microBatches(EXAMPLES, 42, 1, 8)).isNotEqualTo(epoch0);
        List<WrpoExample> all = new ArrayList<>();
        epoch0.forEach(all::addAll);
        assertThat(all).containsExactlyInAnyOrderElementsOf(EXAMPLES);
        assertThat(DataSplit.updates(30, 8, 3, 2))
                .as("4 micro-batches: one full cycle of 3 and a short one, twice")
                .isEqualTo(4);
    }
}
