package dev.fuseflow.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.ResponseLogps;
import dev.fuseflow.trainer.objective.WrpoLoss;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.optim.GlobalNormClipping;
import java.util.ArrayList;
import java.util.List;

/**
 * One WRPO optimizer update: reference log-probs without gradients, policy forward and backward,
 * global-norm clipping, AdamW, and a guard that skips the update when the loss or the gradients
 * are not finite. Every array of the step lives in a sub-manager closed at its end (DJL's
 * per-step memory discipline); the loss is read back every step.
 */
public final class WrpoStep {

    /**
     * What one call did, for metrics and logs: {@code applied} when it ended an accumulation cycle
     * with an optimizer update ({@code gradNorm} is NaN for the other micro-batches).
     */
    public record Outcome(boolean applied, double loss, double gradNorm, double chosenReward, double rejectedReward,
                          double accuracy) {
    }

    private final Block policy;
    private final Block reference;
    private final NDManager manager;
    private final Optimizer optimizer;
    private final double maxGradNorm;
    private final List<Pair<String, Parameter>> parameters;
    private final ParameterStore store;
    private final int accumulation;
    private int pendingMicroBatches;
    private boolean pendingFinite = true;
    private long skipped;

    public WrpoStep(Block policy, Block reference, NDManager manager, CosineWarmupSchedule schedule, double maxGradNorm) {
        this(policy, reference, manager, schedule, maxGradNorm, 1);
    }

    /**
     * @param accumulation micro-batches per optimizer update; each micro-batch's loss is divided by
     *                     it, so with equal-size micro-batches and unit weights the update equals one
     *                     of the whole batch
     */
    public WrpoStep(Block policy, Block reference, NDManager manager, CosineWarmupSchedule schedule, double maxGradNorm,
                    int accumulation) {
        if (accumulation < 1) {
            throw new IllegalArgumentException("gradient accumulation must be at least 1 micro-batch, got " + accumulation);
        }
        this.accumulation = accumulation;
        this.policy = policy;
        this.reference = reference;
        this.manager = manager;
        this.optimizer = Optimizer.adamW().optLearningRateTracker(new ScheduleTracker(schedule)).optWeightDecays(0f)
                .optClipGrad(Float.MAX_VALUE).build();
        this.maxGradNorm = maxGradNorm;
        this.parameters = new ArrayList<>(policy.getParameters().stream().toList());
        this.store = new ParameterStore(manager, false);
        reference.freezeParameters(true);
    }

    public long skippedUpdates() {
        return skipped;
    }

    public Outcome apply(PreferenceBatch batch, double alpha, double beta) {
        try (NDManager step = manager.newSubManager()) {
            WrpoLoss.Result result;
            double loss;
            double chosen;
            double rejected;
            double accuracy;
            {
                PreferenceLogps referenceLogps = logps(reference, batch, step, false);
                NDArray weights = step.create(batch.weights()).toType(referenceLogps.sourceChosen().getDataType(), false);
                try (GradientCollector collector = Engine.getEngine(manager.getEngine().getEngineName()).newGradientCollector()) {
                    result = WrpoLoss.compute(logps(policy, batch, step, true), referenceLogps, weights, alpha, beta);
                    // Gradients of successive micro-batches add up until the update.
                    collector.backward(accumulation == 1 ? result.loss() : result.loss().div(accumulation));
                }
                loss = scalar(result.loss());
                chosen = scalar(result.chosenReward().mean());
                rejected = scalar(result.rejectedReward().mean());
                accuracy = scalar(result.chosenReward().gt(result.rejectedReward()).sum()) / batch.size();
            }
            pendingFinite &= Double.isFinite(loss);
            if (++pendingMicroBatches < accumulation) {
                return new Outcome(false, loss, Double.NaN, chosen, rejected, accuracy);
            }
            pendingMicroBatches = 0;
            // getGradient() returns a new handle of the root manager on each call: closed below, or
            // 2,000 steps grow the process by ~140 MB (measured; DJL's own ParameterStore path grew by
            // 135 MB in the same loop). AdamW's update zeroes the gradients itself.
            List<NDArray> gradients = new ArrayList<>();
            for (Pair<String, Parameter> p : parameters) {
                gradients.add(p.getValue().getArray().getGradient());
            }
            double norm = GlobalNormClipping.clip(gradients, maxGradNorm);
            boolean finite = pendingFinite && Double.isFinite(norm);
            pendingFinite = true;
            if (finite) {
                for (int i = 0; i < parameters.size(); i++) {
                    Parameter p = parameters.get(i).getValue();
                    optimizer.update(p.getId(), p.getArray(), gradients.get(i));
                }
            } else {
                skipped++;
                // No update zeroed them: do it here, in place (g - g would keep a NaN; copyTo into a
                // gradient handle and then closing it corrupts the heap in DJL 0.36).
                for (NDArray g : gradients) {
                    g.set(new NDIndex("..."), 0);
                }
            }
            gradients.forEach(NDArray::close);
            return new Outcome(finite, loss, norm, chosen, rejected, accuracy);
        }
    }

    private static double scalar(NDArray value) {
        return value.toType(DataType.FLOAT64, false).getDouble();
    }

    private PreferenceLogps logps(Block model, PreferenceBatch batch, NDManager step, boolean training) {
        return new PreferenceLogps(sequenceLogps(model, batch.sourceChosen(), step, training),
                sequenceLogps(model, batch.targetChosen(), step, training), sequenceLogps(model, batch.rejected(), step, training));
    }

    private NDArray sequenceLogps(Block model, PreferenceBatch.Sequences sequences, NDManager step, boolean training) {
        NDArray tokens = step.create(sequences.tokens());
        NDArray logits = model.forward(store, new NDList(tokens, step.create(sequences.attention())), training).singletonOrThrow();
        NDArray logps = ResponseLogps.of(logits, tokens, step.create(sequences.response())).logps();
        return training ? logps : logps.stopGradient();
    }
}
