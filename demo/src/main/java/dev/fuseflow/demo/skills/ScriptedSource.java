package dev.fuseflow.demo.skills;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A scripted SOURCE model of the demo: right on its strong skills (but for an occasional slip),
 * plausibly wrong on the others. Two sources strong on different skills are what WRPO fuses:
 * neither alone is good at the whole mix.
 *
 * @param name     the model name it reports in its generations
 * @param strong   the skills it answers well
 * @param slipRate how often it still errs on a strong skill, in [0, 1)
 */
public record ScriptedSource(String name, Set<Skill> strong, double slipRate) {

    public ScriptedSource {
        strong = Set.copyOf(strong);
        if (!(slipRate >= 0 && slipRate < 1)) {
            throw new IllegalArgumentException("slipRate must be in [0, 1), got " + slipRate);
        }
    }

    /** The demo's default pair: one strong on letters-in-order skills, one on the others. */
    public static List<ScriptedSource> demoPair() {
        return List.of(
                new ScriptedSource("source-wordsmith", EnumSet.of(Skill.REVERSE, Skill.UPPER), 0.05),
                new ScriptedSource("source-numerist", EnumSet.of(Skill.SORT, Skill.ADD), 0.05));
    }

    public String respond(SkillPrompt prompt, Random random) {
        boolean right = strong.contains(prompt.skill()) && random.nextDouble() >= slipRate;
        return right ? prompt.answer() : prompt.skill().weakAnswer(prompt.input(), random);
    }
}
