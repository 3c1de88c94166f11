package dev.fuseflow.demo.skills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.trainer.eval.CandidateMetric;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Candidate metrics are plug-ins chosen by name; a name nobody provides is refused with the ones that exist. */
class CandidateMetricTest {

    @Test
    void pluginsOnTheClassPathAreFoundByName() {
        assertThat(CandidateMetric.available())
                .extracting(CandidateMetric::name)
                .contains(SkillTaskReward.NAME);
        assertThat(CandidateMetric.named(List.of(SkillTaskReward.NAME)))
                .singleElement()
                .isInstanceOf(SkillTaskReward.class);
        assertThat(CandidateMetric.named(List.of())).isEmpty();
    }

    @Test
    void anUnknownNameIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> CandidateMetric.named(List.of("bleu")))
                .hasMessageContaining("--candidate-metrics: no metric named 'bleu'")
                .hasMessageContaining(SkillTaskReward.NAME);
    }
}
