package dev.fuseflow.demo.skills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SkillWorkloadTest {

    @Test
    void eachSkillComputesItsAnswer() {
        assertThat(Skill.REVERSE.answer("abcd")).isEqualTo("dcba");
        assertThat(Skill.SORT.answer("4132")).isEqualTo("1234");
        assertThat(Skill.ADD.answer("12+7")).isEqualTo("19");
        assertThat(Skill.UPPER.answer("abc")).isEqualTo("ABC");
    }

    @Test
    void gradedRewardGivesFullCreditOnlyForTheExactAnswerAndPartialCreditByPosition() {
        assertThat(GradedReward.score("dcba", "dcba")).isEqualTo(1.0);
        assertThat(GradedReward.score("dcba", "dcbx")).isCloseTo(0.95 * 3 / 4, within(1e-12));
        assertThat(GradedReward.score("dcba", "dcbaa"))
                .isCloseTo(0.95 * 4 / 5, within(1e-12))
                .isLessThan(1.0);
        assertThat(GradedReward.score("19", "")).isZero();
        assertThat(GradedReward.score("19", "91")).isZero();
    }

    @Test
    void promptsParseBackFromTheirTextAndOtherTextIsNotAPrompt() {
        Random random = new Random(3);
        for (Skill skill : Skill.values()) {
            SkillPrompt prompt = new SkillPrompt(skill, skill.input(random));
            assertThat(SkillPrompt.parse(prompt.text())).contains(prompt);
        }
        assertThat(SkillPrompt.parse("shout: abc")).isEmpty();
        assertThat(SkillPrompt.parse("sort: abc")).as("sort takes digits").isEmpty();
        assertThat(SkillPrompt.parse("what is the weather")).isEmpty();
    }

    @Test
    void weakAnswersArePlausibleCorruptionsWorthPartialCredit() {
        Random random = new Random(5);
        for (Skill skill : Skill.values()) {
            double total = 0;
            int n = 400;
            for (int i = 0; i < n; i++) {
                SkillPrompt prompt = new SkillPrompt(skill, skill.input(random));
                total += prompt.reward(skill.weakAnswer(prompt.input(), random));
            }
            assertThat(total / n).as("mean reward of %s's weak answers", skill).isBetween(0.1, 0.8);
        }
    }

    @Test
    void eachScriptedSourceIsStrongOnlyOnItsOwnSkillsSoNeitherCoversTheMix() {
        List<ScriptedSource> pair = ScriptedSource.demoPair();
        assertThat(pair.get(0).strong()).doesNotContainAnyElementsOf(pair.get(1).strong());
        Set<Skill> covered = EnumSet.noneOf(Skill.class);
        pair.forEach(source -> covered.addAll(source.strong()));
        assertThat(covered).containsExactlyInAnyOrder(Skill.values());
        Random random = new Random(9);
        List<SkillPrompt> prompts = SkillWorkload.heldOut(1, List.of(Skill.values()), 50);
        for (ScriptedSource source : pair) {
            for (Skill skill : Skill.values()) {
                double mean = prompts.stream()
                        .filter(p -> p.skill() == skill)
                        .mapToDouble(p -> p.reward(source.respond(p, random)))
                        .average()
                        .orElseThrow();
                if (source.strong().contains(skill)) {
                    assertThat(mean).as("%s on %s", source.name(), skill).isGreaterThan(0.9);
                } else {
                    assertThat(mean).as("%s on %s", source.name(), skill).isLessThan(0.8);
                }
            }
        }
    }

    @Test
    void heldOutPromptsNeverOccurInTheTrainingStream() {
        List<SkillPrompt> heldOut = SkillWorkload.heldOut(2, List.of(Skill.values()), 40);
        assertThat(heldOut).hasSize(4 * 40).allMatch(SkillWorkload::isHeldOut);
        Set<String> heldOutTexts = new HashSet<>();
        heldOut.forEach(p -> heldOutTexts.add(p.text()));
        SkillWorkload workload = new SkillWorkload(2, List.of(Skill.values()));
        for (int i = 0; i < 20_000; i++) {
            SkillPrompt next = workload.next();
            assertThat(heldOutTexts).doesNotContain(next.text());
        }
        assertThat(heldOut.stream().map(SkillPrompt::skill).distinct()).containsExactlyInAnyOrder(Skill.values());
    }
}
