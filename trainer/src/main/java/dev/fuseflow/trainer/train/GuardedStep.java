package dev.fuseflow.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.model.ActivationCheckpoints;
import dev.fuseflow.trainer.model.Scalar;
import dev.fuseflow.trainer.optim.AdamW;
import java.util.Map;

/**
 * What every objective's step shares: the trained model's parameter store, the micro-batch's
 * scaled backward, and the {@link GuardedUpdate} behind {@link OptimizerStep}.
 */
abstract class GuardedStep implements OptimizerStep {

    protected final NDManager manager;
    protected final ParameterStore store;
    protected final GuardedUpdate update;
    private final boolean checkpointLayers;

    GuardedStep(Block trained, NDManager manager, UpdateSettings settings) {
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
        this.update = new GuardedUpdate(trainable(trained), manager, settings);
        this.checkpointLayers = settings.checkpointLayers();
    }

    /**
     * Activation checkpointing for the training passes of one micro-batch, or null when off (a null
     * resource in try-with-resources is skipped); its inputs live in {@code step}.
     */
    protected ActivationCheckpoints checkpoints(NDManager step) {
        return checkpointLayers ? ActivationCheckpoints.open(step) : null;
    }

    /** The weights that train: all of a fully fine-tuned model, only the adapters of a LoRA one (its base is frozen). */
    private static ParameterList trainable(Block trained) {
        ParameterList trainable = new ParameterList();
        for (Pair<String, Parameter> p : trained.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getKey(), p.getValue());
            }
        }
        return trainable;
    }

    /** Backward of a micro-batch's loss, divided by the accumulation and multiplied by the loss scale. */
    protected void backward(GradientCollector collector, NDArray loss) {
        collector.backward(loss.mul(Scalar.like(loss, update.lossScale() / update.accumulation())));
    }

    /** The same, then the checkpointed layers' part of it (their gradients already carry the scale). */
    protected void backward(GradientCollector collector, NDArray loss, ActivationCheckpoints checkpoints) {
        backward(collector, loss);
        if (checkpoints != null) {
            checkpoints.backward();
        }
    }

    @Override
    public boolean flushPending() {
        return update.flush().map(GuardedUpdate.Update::applied).orElse(false);
    }

    @Override
    public AdamW optimizer() {
        return update.optimizer();
    }

    @Override
    public long skippedUpdates() {
        return update.skippedUpdates();
    }

    @Override
    public Map<String, NDArray> checkpointArrays() {
        return update.checkpointArrays();
    }

    @Override
    public Map<String, String> checkpointMetadata() {
        return update.checkpointMetadata();
    }

    @Override
    public void restore(Map<String, Tensor> arrays, Map<String, String> metadata) {
        update.restore(arrays, metadata);
    }
}
