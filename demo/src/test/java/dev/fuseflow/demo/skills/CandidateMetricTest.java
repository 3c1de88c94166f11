package dev.fuseflow.demo.skills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.eval.CandidateMetric;
import java.util.ArrayList;
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

    @Test
    void theTaskRewardAnswersAtMost24DistinctPromptsPerSkillNewestFirstWhateverTheFilesOrder() {
        List<SkillPrompt> inSkillOrder = SkillWorkload.heldOut(8, List.of(Skill.values()), 100);
        List<WrpoExample> heldOut = new ArrayList<>(SkillSamples.heldOut(inSkillOrder, 1));
        heldOut.addAll(SkillSamples.heldOut(inSkillOrder.subList(0, 10), 2)); // repeated prompts count once

        List<SkillPrompt> chosen = SkillTaskReward.prompts(heldOut);

        assertThat(chosen).hasSize(24 * Skill.values().length).doesNotHaveDuplicates();
        for (Skill skill : Skill.values()) {
            assertThat(chosen).filteredOn(p -> p.skill() == skill).hasSize(24);
        }
        assertThat(chosen.get(0)).as("newest first").isEqualTo(inSkillOrder.get(9));
    }
}
