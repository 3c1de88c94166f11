package dev.fuseflow.trainer.training;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.objective.AlphaSchedule;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.OptimizerStep;
import dev.fuseflow.trainer.train.PreferenceBatch;
import dev.fuseflow.trainer.train.WrpoStep;
import dev.fuseflow.trainer.train.WrpoUpdate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * WRPO (or DPO, alpha held at 0) with the SFT model frozen as the reference: alpha ramps over the
 * stage's updates (constant within an accumulation cycle), the cosine over the stage's length.
 */
public final class PreferenceStage implements TrainingStage {

    private final WrpoUpdate step;
    private final CausalLanguageModel reference;
    private final CosineWarmupSchedule schedule;
    private final AlphaSchedule alpha;
    private final double beta;
    private final Objective objective;

    PreferenceStage(
            ComputeDevice device,
            CausalLanguageModel policy,
            CausalLanguageModel reference,
            NDManager manager,
            TrainingRecipe recipe,
            StagePlan.Length length) {
        this.reference = reference;
        this.schedule = recipe.rate().over(length.count());
        this.alpha = recipe.preference().alphaOver(length.count());
        this.beta = recipe.preference().beta();
        this.objective = recipe.preference().objective();
        this.step = WrpoUpdate.on(
                device, policy, reference, manager, recipe.optimization().with(schedule));
    }

    /** The frozen reference: the SFT model, or the starting model when there was no SFT stage. */
    @Override
    public Optional<CausalLanguageModel> reference() {
        return Optional.of(reference);
    }

    @Override
    public Stage stage() {
        return Stage.PREFERENCE;
    }

    @Override
    public OptimizerStep step() {
        return step;
    }

    @Override
    public List<WrpoExample> trainable(List<WrpoExample> usable) {
        return usable;
    }

    @Override
    public StepReport train(PreferenceBatch batch, RunState before) {
        long started = System.nanoTime();
        double alphaNow = alpha.alpha(before.stageUpdates());
        WrpoStep.Outcome outcome = step.apply(batch, alphaNow, beta);
        Map<String, Double> metrics = new LinkedHashMap<>(outcome.metrics());
        metrics.put(
                "learning_rate",
                schedule.learningRate(Math.max(0, step.optimizer().step() - 1)));
        long tokens = TrainingStage.realTokens(batch.sourceChosen(), batch.targetChosen(), batch.rejected());
        double seconds = (System.nanoTime() - started) / 1e9;
        return new StepReport(objective.name(), metrics, alphaNow, outcome.applied(), tokens, batch.size(), seconds);
    }
}
