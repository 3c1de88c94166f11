package dev.fuseflow.demo.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.SkillWorkload;
import dev.fuseflow.demo.skills.TaskRewardEvaluator;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.trainer.cli.DeviceOption;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.sampling.ChatResponder;
import dev.fuseflow.trainer.tokenizer.ChatTemplates;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code task-reward}: a model's greedy answers to held-out prompts of the skills workload, graded by its checker. */
@Command(
        name = "task-reward",
        mixinStandardHelpOptions = true,
        description =
                "Grade a model's greedy answers to held-out prompts of the multi-skill workload (never in its traffic).")
final class TaskRewardCommand implements Callable<Integer> {

    private static final long HELD_OUT_SEED = 7;
    private static final int ANSWER_BATCH = 32;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model folder to grade.")
    Path model;

    @Option(
            names = "--prompts",
            defaultValue = "16",
            description = "Held-out prompts per skill (default ${DEFAULT-VALUE}).")
    int prompts;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "16",
            description = "Longest answer generated per prompt, in tokens (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Override
    public Integer call() throws Exception {
        if (prompts < 1) {
            throw new IllegalArgumentException("--prompts must be >= 1, got " + prompts);
        }
        var tokenizer = ModelDirectory.tokenizer(model);
        try (NDManager manager = device.device().newManager();
                PromptResponseEncoder encoder =
                        new PromptResponseEncoder(tokenizer, ChatTemplates.forModel(model, tokenizer))) {
            CausalLanguageModel graded = ModelDirectory.load(model, manager, DataType.FLOAT32);
            TaskReward reward = new TaskRewardEvaluator(new ChatResponder(encoder, ANSWER_BATCH), maxNewTokens)
                    .evaluate(graded, manager, SkillWorkload.heldOut(HELD_OUT_SEED, List.of(Skill.values()), prompts));
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "task reward %.4f over %d held-out prompts: %s%n",
                            reward.mean(),
                            reward.prompts(),
                            reward.perSkill());
        }
        return 0;
    }
}
