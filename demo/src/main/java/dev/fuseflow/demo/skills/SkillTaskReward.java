package dev.fuseflow.demo.skills;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.eval.CandidateMetric;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.sampling.ChatResponder;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The skills workload's task reward as a candidate metric: greedy answers to the held-out samples'
 * workload prompts (distinct, newest first, at most {@value #PROMPTS_PER_SKILL} per skill), graded by the workload's checker, as
 * {@code eval/task_reward} and {@code eval/task_reward/<skill>}.
 */
public final class SkillTaskReward implements CandidateMetric {

    public static final String NAME = "skills-task-reward";
    public static final String METRIC = "eval/task_reward";
    /** Prompts per skill: a held-out file in skill order would otherwise give its last skill alone. */
    private static final int PROMPTS_PER_SKILL = 24;

    private static final int MAX_NEW_TOKENS = 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Double> score(
            CausalLanguageModel model, NDManager manager, PromptResponseEncoder encoder, List<WrpoExample> heldOut) {
        List<SkillPrompt> prompts = prompts(heldOut);
        if (prompts.isEmpty()) {
            return Map.of();
        }
        TaskReward reward = new TaskRewardEvaluator(new ChatResponder(encoder, 32), MAX_NEW_TOKENS)
                .evaluate(model, manager, prompts);
        Map<String, Double> metrics = new TreeMap<>();
        metrics.put(METRIC, reward.mean());
        reward.perSkill().forEach((skill, value) -> metrics.put(METRIC + "/" + skill.promptName(), value));
        return metrics;
    }

    /** The distinct workload prompts of {@code heldOut}, newest first, at most {@value #PROMPTS_PER_SKILL} per skill. */
    static List<SkillPrompt> prompts(List<WrpoExample> heldOut) {
        Set<SkillPrompt> prompts = new LinkedHashSet<>();
        Map<Skill, Integer> perSkill = new EnumMap<>(Skill.class);
        for (int i = heldOut.size() - 1; i >= 0; i--) {
            List<ChatMessage> prompt = heldOut.get(i).prompt();
            if (prompt.size() == 1) {
                SkillPrompt.parse(prompt.get(0).getContent())
                        .filter(p -> perSkill.getOrDefault(p.skill(), 0) < PROMPTS_PER_SKILL)
                        .filter(prompts::add)
                        .ifPresent(p -> perSkill.merge(p.skill(), 1, Integer::sum));
            }
        }
        return List.copyOf(prompts);
    }
}
