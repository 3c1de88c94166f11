package dev.fuseflow.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.kernels.MultiTensor;
import dev.fuseflow.trainer.kernels.NativeKernels;
import dev.fuseflow.trainer.model.Scalar;
import dev.fuseflow.trainer.model.TensorTransfer;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.optim.DynamicLossScaler;
import dev.fuseflow.trainer.optim.GlobalNormClipping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a training step after backward, shared by every objective: gradients of
 * {@code accumulation} micro-batches add up, then they are clipped to a global norm and AdamW
 * applies them on the cosine schedule, unless a loss or the norm was not finite, in which case
 * the update is skipped and the gradients are cleared.
 *
 * <p>In {@link Precision#FP16_MIXED} the weights the model computes with are float16 and AdamW
 * updates float32 master copies: the loss is multiplied by the dynamic loss scale before backward,
 * the float16 gradients are widened and divided by it, an overflow skips the update and halves the
 * scale, and after an update the masters are rounded into the model's weights.
 */
final class GuardedUpdate {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedUpdate.class);

    private static final String MASTER = "master.";
    private static final String ADAM_STEP = "adamw_step";
    private static final String LOSS_SCALE = "loss_scale";
    private static final String CLEAN_STEPS = "loss_scale_clean_steps";

    private final List<String> names;
    private final List<Parameter> parameters;
    private final NDManager manager;
    private final CosineWarmupSchedule schedule;
    private final LongSupplier schedulePosition;
    private final AdamW optimizer;
    private final double maxGradNorm;
    private final int accumulation;
    private final List<NDArray> masters = new ArrayList<>();
    private final DynamicLossScaler scaler;
    private int pendingMicroBatches;
    private boolean pendingFinite = true;
    private long skipped;

    /**
     * @param parameters the trained weights under their block paths, which name them in the
     *                   optimizer state of a checkpoint; in mixed precision they must be float16
     */
    GuardedUpdate(ParameterList parameters, NDManager manager, UpdateSettings settings) {
        this.names = List.copyOf(parameters.keys());
        this.parameters = List.copyOf(parameters.values());
        this.manager = manager;
        this.optimizer = new AdamW(settings.adam(), manager);
        this.schedule = settings.schedule();
        this.schedulePosition = settings.schedulePosition() != null ? settings.schedulePosition() : optimizer::step;
        this.maxGradNorm = settings.maxGradNorm();
        this.accumulation = settings.accumulation();
        if (settings.precision() == Precision.FP16_MIXED) {
            for (int i = 0; i < names.size(); i++) {
                NDArray weight = this.parameters.get(i).getArray();
                if (weight.getDataType() != DataType.FLOAT16) {
                    throw new IllegalArgumentException(
                            "mixed precision needs float16 weights, '" + names.get(i) + "' is " + weight.getDataType());
                }
                NDArray master = weight.toType(DataType.FLOAT32, true);
                master.attach(manager);
                masters.add(master);
            }
            this.scaler = DynamicLossScaler.defaults();
        } else {
            this.scaler = null;
        }
    }

    int accumulation() {
        return accumulation;
    }

    AdamW optimizer() {
        return optimizer;
    }

    long skippedUpdates() {
        return skipped;
    }

    /** What the loss is multiplied by before backward: 1 in float32, the dynamic scale in mixed precision. */
    double lossScale() {
        return scaler == null ? 1.0 : scaler.scale();
    }

    /** The result of one optimizer update: applied or skipped, and the gradient norm before clipping. */
    record Update(boolean applied, double gradNorm) {}

    /**
     * To call after each micro-batch's backward; returns the update when this micro-batch ended
     * an accumulation cycle, empty otherwise.
     */
    Optional<Update> afterBackward(double loss) {
        pendingFinite &= Double.isFinite(loss);
        if (++pendingMicroBatches < accumulation) {
            return Optional.empty();
        }
        return Optional.of(finishCycle());
    }

    /**
     * Ends a cycle cut short (the end of an epoch or a stage): the micro-batches accumulated so far
     * update the weights, their losses having been divided by the full accumulation. Empty when
     * nothing was pending.
     */
    Optional<Update> flush() {
        return pendingMicroBatches == 0 ? Optional.empty() : Optional.of(finishCycle());
    }

    private Update finishCycle() {
        pendingMicroBatches = 0;
        boolean lossesFinite = pendingFinite;
        pendingFinite = true;
        // getGradient() returns a new handle of the root manager on each call: closed below, or the
        // process grows with every step (docs/djl-pitfalls.md).
        List<NDArray> gradients = new ArrayList<>();
        for (Parameter p : parameters) {
            gradients.add(p.getArray().getGradient());
        }
        try (NDManager scratch = manager.newSubManager()) {
            List<NDArray> unscaled = scaler == null ? gradients : unscale(gradients, scratch);
            double norm = GlobalNormClipping.clip(unscaled, maxGradNorm);
            boolean finite = lossesFinite && Double.isFinite(norm);
            boolean apply = scaler == null ? finite : scaler.update(finite);
            if (apply) {
                double learningRate = schedule.learningRate(schedulePosition.getAsLong());
                if (scaler == null) {
                    optimizer.update(
                            names, parameters.stream().map(Parameter::getArray).toList(), unscaled, learningRate);
                } else {
                    optimizer.update(names, masters, unscaled, learningRate);
                    roundMastersIntoWeights(scratch);
                }
            } else {
                skipped++;
                LOG.warn("update skipped: {}", skipReason(lossesFinite, unscaled));
            }
            // Gradients add up until cleared: in place (g - g would keep a NaN; copyTo into a
            // gradient handle and then closing it corrupts the heap in DJL 0.36), from the device's
            // zero (set(index, 0) would copy a host number to the device per weight).
            if (NativeKernels.available()) {
                MultiTensor.zero(gradients);
            } else {
                for (NDArray g : gradients) {
                    g.set(new NDIndex("..."), Scalar.constant(g, 0));
                }
            }
            return new Update(apply, norm);
        } finally {
            gradients.forEach(NDArray::close);
        }
    }

    /** Why an update is skipped, for the operator: the losses, or the first weight whose gradient is not finite. */
    private String skipReason(boolean lossesFinite, List<NDArray> gradients) {
        if (!lossesFinite) {
            return "a micro-batch's loss was not finite";
        }
        for (int i = 0; i < gradients.size(); i++) {
            try (NDArray wide = gradients.get(i).toType(DataType.FLOAT64, true);
                    NDArray abs = wide.abs();
                    NDArray sum = abs.sum()) {
                double total = sum.getDouble();
                if (!Double.isFinite(total)) {
                    return "the gradient of '" + names.get(i) + "' is not finite (sum of |g| = " + total + ")"
                            + (scaler != null ? ", loss scale " + scaler.scale() : "");
                }
            }
        }
        return "the global gradient norm was not finite";
    }

    /** float32 copies of the float16 gradients of the scaled loss, divided by the scale. */
    private List<NDArray> unscale(List<NDArray> gradients, NDManager scratch) {
        List<NDArray> unscaled = new ArrayList<>();
        // The scale is a power of two: multiplying by its inverse is exact.
        NDArray inverseScale = scratch.create((float) (1 / scaler.scale()))
                .toDevice(gradients.get(0).getDevice(), false);
        inverseScale.attach(scratch);
        if (NativeKernels.available()) {
            List<NDArray> wide = MultiTensor.widened(gradients, inverseScale);
            wide.forEach(w -> w.attach(scratch));
            return wide;
        }
        for (NDArray g : gradients) {
            NDArray wide = g.toType(DataType.FLOAT32, true);
            wide.attach(scratch);
            unscaled.add(wide.muli(inverseScale));
        }
        return unscaled;
    }

    private void roundMastersIntoWeights(NDManager scratch) {
        if (NativeKernels.available()) {
            MultiTensor.copy(parameters.stream().map(Parameter::getArray).toList(), masters);
            return;
        }
        for (int i = 0; i < masters.size(); i++) {
            NDArray half = masters.get(i).toType(DataType.FLOAT16, true);
            half.attach(scratch);
            // An indexed put copies into the weight's own memory (copyTo would alias the temporary's).
            parameters.get(i).getArray().set(new NDIndex("..."), half);
        }
    }

    /** What a checkpoint must hold to continue exactly: AdamW's moments and, in mixed precision, the masters. */
    Map<String, NDArray> checkpointArrays() {
        Map<String, NDArray> arrays = new LinkedHashMap<>(optimizer.state());
        for (int i = 0; i < masters.size(); i++) {
            arrays.put(MASTER + names.get(i), masters.get(i));
        }
        return arrays;
    }

    Map<String, String> checkpointMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ADAM_STEP, Long.toString(optimizer.step()));
        if (scaler != null) {
            metadata.put(LOSS_SCALE, Double.toString(scaler.scale()));
            metadata.put(CLEAN_STEPS, Integer.toString(scaler.cleanSteps()));
        }
        return metadata;
    }

    /** Continues from {@link #checkpointArrays} and {@link #checkpointMetadata} as read back from a checkpoint. */
    void restore(Map<String, Tensor> arrays, Map<String, String> metadata) {
        String step = metadata.get(ADAM_STEP);
        if (step == null) {
            throw new IllegalArgumentException("optimizer state lacks the '" + ADAM_STEP + "' metadata");
        }
        Map<String, Tensor> moments = new LinkedHashMap<>(arrays);
        moments.keySet().removeIf(key -> key.startsWith(MASTER));
        optimizer.restore(moments, Long.parseLong(step));
        if (scaler == null) {
            return;
        }
        for (int i = 0; i < masters.size(); i++) {
            Tensor saved = arrays.get(MASTER + names.get(i));
            if (saved == null) {
                throw new IllegalArgumentException(
                        "mixed-precision state lacks the master weight '" + names.get(i) + "'");
            }
            TensorTransfer.copy(saved, masters.get(i), manager);
        }
        try (NDManager scratch = manager.newSubManager()) {
            roundMastersIntoWeights(scratch);
        }
        scaler.restore(Double.parseDouble(metadata.get(LOSS_SCALE)), Integer.parseInt(metadata.get(CLEAN_STEPS)));
    }
}
