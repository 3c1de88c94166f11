package dev.fuseflow.demo.skills;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.eval.CandidateMetric;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.sampling.ChatResponder;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The skills workload's task reward as a candidate metric: greedy answers to the held-out samples'
 * workload prompts (distinct, newest first), graded by the workload's checker, as
 * {@code eval/task_reward} and {@code eval/task_reward/<skill>}.
 */
public final class SkillTaskReward implements CandidateMetric {

    public static final String NAME = "skills-task-reward";
    public static final String METRIC = "eval/task_reward";
    private static final int PROMPTS = 96;
    private static final int MAX_NEW_TOKENS = 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Double> score(
            CausalLanguageModel model, NDManager manager, PromptResponseEncoder encoder, List<WrpoExample> heldOut) {
        Set<SkillPrompt> prompts = new LinkedHashSet<>();
        for (int i = heldOut.size() - 1; i >= 0 && prompts.size() < PROMPTS; i--) {
            List<ChatMessage> prompt = heldOut.get(i).prompt();
            if (prompt.size() == 1) {
                SkillPrompt.parse(prompt.get(0).getContent()).ifPresent(prompts::add);
            }
        }
        if (prompts.isEmpty()) {
            return Map.of();
        }
        TaskReward reward = new TaskRewardEvaluator(new ChatResponder(encoder, 32), MAX_NEW_TOKENS)
                .evaluate(model, manager, List.copyOf(prompts));
        Map<String, Double> metrics = new TreeMap<>();
        metrics.put(METRIC, reward.mean());
        reward.perSkill().forEach((skill, value) -> metrics.put(METRIC + "/" + skill.promptName(), value));
        return metrics;
    }
}
