package dev.fuseflow.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The learning table names the start, the end of SFT once the preference stage has published, and the newest version. */
class LearningBoardTest {

    @Test
    void theTableShowsTheEndOfSftBesideTheStartAndTheNewest() {
        LearningBoard board = new LearningBoard(List.of(), List.of());
        board.measured(0, 0, reward(0.1), false);
        board.measured(3, 30, reward(0.5), false);
        board.measured(7, 70, reward(0.8), false);

        assertThat(board.endOfSft()).as("no preference-stage version yet").isEmpty();
        assertThat(board.table())
                .contains("target v0 (start)", "target v7 (newest)")
                .doesNotContain("end of SFT");

        board.measured(9, 90, reward(0.85), true);
        board.measured(11, 110, reward(0.9), true);

        assertThat(board.endOfSft())
                .get()
                .extracting(LearningBoard.Row::version)
                .isEqualTo(7L);
        assertThat(board.table())
                .contains("target v0 (start)", "target v7 (end of SFT)", "target v11 (newest)")
                .doesNotContain("v9");
    }

    private static TaskReward reward(double value) {
        Map<Skill, Double> perSkill = new EnumMap<>(Skill.class);
        for (Skill skill : Skill.values()) {
            perSkill.put(skill, value);
        }
        return new TaskReward(perSkill, value, 4);
    }
}
