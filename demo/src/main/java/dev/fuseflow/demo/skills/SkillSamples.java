package dev.fuseflow.demo.skills;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.trainer.data.WrpoExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Offline WRPO samples of the multi-skill workload, for {@code train} without a running stack:
 * y_ws is the better of the scripted sources' answers; the target's own answers are stood in for
 * by a slip of the right answer (y_wt) and a weak answer (y_l). The live demo replaces these
 * stand-ins with the target's real samples.
 */
public final class SkillSamples {

    private SkillSamples() {}

    /**
     * Supervised samples of {@code skills} only, for a source model to learn them: training-side prompts
     * (never a held-out one, {@link SkillWorkload#isHeldOut}) with the right answer as y_ws and y_wt, and
     * a weak answer as y_l (SFT reads only y_ws; the others keep the sample a valid WRPO sample).
     */
    public static List<WrpoExample> exact(int count, long seed, List<Skill> skills) {
        Random random = new Random(seed);
        SkillWorkload workload = new SkillWorkload(seed, skills);
        List<WrpoExample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(exact(workload.next(), "skills-exact-" + seed + "-" + i, random));
        }
        return samples;
    }

    /**
     * The held-out prompts as samples of the same shape (the right answer as y_ws and y_wt, a weak one as y_l): an
     * offline run's {@code --eval-data}, whose prompts the task reward answers and whose pairs the held-out
     * preference accuracy scores.
     */
    public static List<WrpoExample> heldOut(List<SkillPrompt> prompts, long seed) {
        Random random = new Random(seed);
        List<WrpoExample> samples = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            samples.add(exact(prompts.get(i), "skills-held-out-" + seed + "-" + i, random));
        }
        return samples;
    }

    private static WrpoExample exact(SkillPrompt prompt, String id, Random random) {
        return new WrpoExample(
                id,
                id,
                List.of(new ChatMessage(ChatRole.USER, prompt.text())),
                prompt.answer(),
                prompt.answer(),
                prompt.skill().weakAnswer(prompt.input(), random),
                1.0);
    }

    public static List<WrpoExample> samples(int count, long seed, List<ScriptedSource> sources) {
        Random random = new Random(seed);
        SkillWorkload workload = new SkillWorkload(seed, List.of(Skill.values()));
        List<WrpoExample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SkillPrompt prompt = workload.next();
            String best = sources.stream()
                    .map(source -> source.respond(prompt, random))
                    .max(Comparator.comparingDouble(prompt::reward))
                    .orElseThrow();
            String targetBest =
                    random.nextDouble() < 0.5 ? prompt.answer() : prompt.skill().weakAnswer(prompt.input(), random);
            String targetWorst = prompt.skill().weakAnswer(prompt.input(), random);
            samples.add(new WrpoExample(
                    "skills-" + seed + "-" + i,
                    "skills-" + seed + "-" + i,
                    List.of(new ChatMessage(ChatRole.USER, prompt.text())),
                    best,
                    targetBest,
                    targetWorst,
                    1.0));
        }
        return samples;
    }
}
