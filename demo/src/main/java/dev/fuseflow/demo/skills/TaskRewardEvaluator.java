package dev.fuseflow.demo.skills;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.sampling.ChatResponder;
import dev.fuseflow.trainer.sampling.SamplingConfig;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Task reward on generated answers: the model answers workload prompts greedily and the
 * workload's checker grades each answer. This is what the demo's learning result and the eval
 * gate's {@code eval/task_reward} measure.
 */
public final class TaskRewardEvaluator {

    /** Mean graded reward per skill (skills without prompts absent) and over all prompts. */
    public record TaskReward(Map<Skill, Double> perSkill, double mean, int prompts) {}

    private final ChatResponder responder;
    private final int maxNewTokens;

    public TaskRewardEvaluator(ChatResponder responder, int maxNewTokens) {
        this.responder = responder;
        this.maxNewTokens = maxNewTokens;
    }

    public TaskReward evaluate(CausalLanguageModel model, NDManager manager, List<SkillPrompt> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("task reward needs at least one prompt");
        }
        List<String> answers;
        try (NDManager scope = manager.newSubManager()) {
            answers = responder.answer(
                    model,
                    scope,
                    prompts.stream().map(SkillPrompt::text).toList(),
                    SamplingConfig.greedy(maxNewTokens));
        }
        return grade(prompts, answers);
    }

    /** Mean reward per skill of any answering function (the scripted sources), on the same prompts. */
    public static TaskReward of(List<SkillPrompt> prompts, Function<SkillPrompt, String> answering) {
        return grade(prompts, prompts.stream().map(answering).toList());
    }

    /** Grades answers given in prompt order. */
    public static TaskReward grade(List<SkillPrompt> prompts, List<String> answers) {
        Map<Skill, double[]> sums = new EnumMap<>(Skill.class); // skill -> {sum, count}
        double total = 0;
        for (int i = 0; i < prompts.size(); i++) {
            double reward = prompts.get(i).reward(answers.get(i));
            double[] sum = sums.computeIfAbsent(prompts.get(i).skill(), skill -> new double[2]);
            sum[0] += reward;
            sum[1]++;
            total += reward;
        }
        Map<Skill, Double> perSkill = new EnumMap<>(Skill.class);
        sums.forEach((skill, sum) -> perSkill.put(skill, sum[0] / sum[1]));
        return new TaskReward(perSkill, total / prompts.size(), prompts.size());
    }
}
