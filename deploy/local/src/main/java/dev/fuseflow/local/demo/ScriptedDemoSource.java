package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.ScriptedSource;
import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.TaskRewardEvaluator;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import java.util.List;
import java.util.Random;

/** A scripted source ({@link ScriptedSource}): no model, right on its strong skills but for slips. */
final class ScriptedDemoSource implements DemoSource {

    private final ScriptedSource script;
    private final Random random;
    private final long measureSeed;

    ScriptedDemoSource(ScriptedSource script, long seed) {
        this.script = script;
        this.random = new Random(seed);
        this.measureSeed = seed + 1;
    }

    /** The scripted pair of {@link ScriptedSource#demoPair()}, each drawing from its own seed. */
    static List<DemoSource> demoPair(long seed) {
        List<ScriptedSource> scripts = ScriptedSource.demoPair();
        return List.of(new ScriptedDemoSource(scripts.get(0), seed), new ScriptedDemoSource(scripts.get(1), seed + 2));
    }

    @Override
    public String name() {
        return script.name();
    }

    @Override
    public List<String> answer(List<SkillPrompt> prompts, long round) {
        return prompts.stream().map(prompt -> script.respond(prompt, random)).toList();
    }

    @Override
    public TaskReward measure(List<SkillPrompt> heldOut) {
        Random draws = new Random(measureSeed);
        return TaskRewardEvaluator.of(heldOut, prompt -> script.respond(prompt, draws));
    }

    @Override
    public void close() {}
}
