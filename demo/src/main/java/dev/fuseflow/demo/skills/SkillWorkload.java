package dev.fuseflow.demo.skills;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws workload prompts, skills in turn. Prompts split into a training stream and a held-out set by
 * a hash of their text, so no held-out prompt is ever answered in production traffic and therefore
 * never trained on: the held-out rewards measure generalisation, not memory.
 */
public final class SkillWorkload {

    /** One prompt in this many is held out. */
    private static final int HELD_OUT_ONE_IN = 8;

    private final Random random;
    private final List<Skill> skills;
    private long drawn;

    public SkillWorkload(long seed, List<Skill> skills) {
        if (skills.isEmpty()) {
            throw new IllegalArgumentException("the workload needs at least one skill");
        }
        this.random = new Random(seed);
        this.skills = List.copyOf(skills);
    }

    public static boolean isHeldOut(SkillPrompt prompt) {
        return Math.floorMod(prompt.text().hashCode() * 0x9E3779B1, HELD_OUT_ONE_IN) == 0;
    }

    /** The next training prompt (never a held-out one). */
    public SkillPrompt next() {
        while (true) {
            SkillPrompt prompt = draw();
            if (!isHeldOut(prompt)) {
                return prompt;
            }
        }
    }

    /** {@code perSkill} held-out prompts of every skill, the same for the same seed. */
    public static List<SkillPrompt> heldOut(long seed, List<Skill> skills, int perSkill) {
        Random random = new Random(seed);
        List<SkillPrompt> prompts = new ArrayList<>();
        for (Skill skill : skills) {
            Set<String> seen = new HashSet<>();
            for (int guard = 0; seen.size() < perSkill && guard < perSkill * 1_000; guard++) {
                SkillPrompt prompt = new SkillPrompt(skill, skill.input(random));
                if (isHeldOut(prompt) && seen.add(prompt.input())) {
                    prompts.add(prompt);
                }
            }
        }
        return prompts;
    }

    private SkillPrompt draw() {
        Skill skill = skills.get((int) (drawn++ % skills.size()));
        return new SkillPrompt(skill, skill.input(random));
    }
}
