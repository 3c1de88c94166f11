package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.TaskRewardEvaluator;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.trainer.sampling.SamplingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A neural source model (a Hugging Face folder, {@code dev.fuseflow.local.sources}), served as the
 * target is: its own tokenizer and chat template through the trainer's {@code ChatResponder}, answers
 * sampled at the demo's temperature, held-out reward measured greedily.
 */
final class NeuralSource implements DemoSource {

    private final String name;
    private final ServedModel served;
    private final double temperature;
    private final long seed;

    private NeuralSource(String name, ServedModel served, double temperature, long seed) {
        this.name = name;
        this.served = served;
        this.temperature = temperature;
        this.seed = seed;
    }

    static NeuralSource load(String name, Path model, double temperature, long seed) throws IOException {
        return new NeuralSource(name, ServedModel.load(model, 0), temperature, seed);
    }

    /** Each named model, loaded; those already loaded are closed again when one fails. */
    static List<DemoSource> loadAll(List<String> names, List<Path> models, double temperature, long seed)
            throws IOException {
        List<DemoSource> loaded = new ArrayList<>();
        try {
            for (int i = 0; i < models.size(); i++) {
                loaded.add(load(names.get(i), models.get(i), temperature, seed + i));
            }
            return loaded;
        } catch (IOException | RuntimeException e) {
            loaded.forEach(DemoSource::close);
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> answer(List<SkillPrompt> prompts, long round) {
        return served.answer(
                prompts.stream().map(SkillPrompt::text).toList(),
                new SamplingConfig(temperature, 0, 1.0, DemoApp.MAX_NEW_TOKENS, seed * 1_000_003 + round));
    }

    @Override
    public TaskReward measure(List<SkillPrompt> heldOut) {
        return new TaskRewardEvaluator(served.responder(), DemoApp.EVAL_MAX_NEW_TOKENS)
                .evaluate(served.model(), served.manager(), heldOut);
    }

    @Override
    public void close() {
        served.close();
    }
}
