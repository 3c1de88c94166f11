package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import java.util.List;

/**
 * A SOURCE model the demo app asks beside the target: a neural model FuseFlow trained
 * ({@link NeuralSource}) or a scripted stand-in ({@link ScriptedDemoSource}, the fast option for tests).
 */
interface DemoSource extends AutoCloseable {

    /** The model name of its generations; distinct from the target's, so the stream takes it as a source. */
    String name();

    /** Its answers to {@code prompts}, in order, as users see them (sampled); {@code round} varies the draws. */
    List<String> answer(List<SkillPrompt> prompts, long round);

    /** Its held-out reward per skill: greedy answers where it samples, as the target is measured. */
    TaskReward measure(List<SkillPrompt> heldOut);

    @Override
    void close();
}
