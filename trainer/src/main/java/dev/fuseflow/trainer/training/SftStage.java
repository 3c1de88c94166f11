package dev.fuseflow.trainer.training;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.train.OptimizerStep;
import dev.fuseflow.trainer.train.PreferenceBatch;
import dev.fuseflow.trainer.train.SftStep;
import dev.fuseflow.trainer.train.UpdateSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The paper's bootstrap: SFT on y_ws. Its cosine runs over the stage's length; a stage counted in
 * samples reads the schedule at the samples trained so far, because deduplication leaves
 * micro-batches of varying size and a schedule counted in updates would reach its floor long
 * before the stage ends.
 */
public final class SftStage implements TrainingStage {

    private final SftStep step;
    private final CosineWarmupSchedule schedule;
    private final LongSupplier samplesTrained;
    private final boolean inSamples;
    private final RecentAnswers recentAnswers;

    /** @param samplesTrained the run's SFT samples so far, for a stage counted in samples */
    SftStage(
            CausalLanguageModel policy,
            NDManager manager,
            TrainingRecipe recipe,
            StagePlan.Length length,
            LongSupplier samplesTrained) {
        this.schedule = recipe.sftRate().over(length.count());
        this.samplesTrained = samplesTrained;
        this.inSamples = length.inSamples();
        this.recentAnswers = new RecentAnswers(recipe.sftDedupeWindow());
        UpdateSettings settings = recipe.optimization().with(schedule);
        this.step = new SftStep(policy, manager, inSamples ? settings.scheduledBy(samplesTrained) : settings);
    }

    @Override
    public Stage stage() {
        return Stage.SFT;
    }

    @Override
    public OptimizerStep step() {
        return step;
    }

    @Override
    public List<WrpoExample> trainable(List<WrpoExample> usable) {
        return usable.stream().filter(recentAnswers::firstSeen).toList();
    }

    @Override
    public StepReport train(PreferenceBatch batch, RunState before) {
        long started = System.nanoTime();
        SftStep.Outcome outcome = step.apply(batch.sourceChosen());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", outcome.loss());
        metrics.put("grad_norm", outcome.gradNorm());
        long position = inSamples
                ? samplesTrained.getAsLong()
                : Math.max(0, step.optimizer().step() - 1);
        metrics.put("learning_rate", schedule.learningRate(position));
        return new StepReport(
                "SFT",
                metrics,
                0.0,
                outcome.applied(),
                TrainingStage.realTokens(batch.sourceChosen()),
                batch.size(),
                (System.nanoTime() - started) / 1e9);
    }
}
