package dev.fuseflow.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.kernels.FusedAdamW;
import dev.fuseflow.trainer.kernels.NativeKernels;
import dev.fuseflow.trainer.model.TensorTransfer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay, as PyTorch's {@code torch.optim.AdamW}
 * computes it:
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   w = w * (1 - lr * weightDecay) - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 *
 * Written here rather than taken from DJL because DJL's Adam keeps its moments in private fields:
 * a trainer that must resume exactly from a checkpoint needs to save and restore them
 * ({@link #state()}, {@link #restore}). The moments are float32 whatever the weights' type, so
 * they can serve as the state of fp32 master weights.
 */
public final class AdamW {

    /** PyTorch's defaults. */
    public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {

        public static final Settings PYTORCH = new Settings(0.9, 0.999, 1e-8, 0.0);

        public Settings {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("AdamW betas must lie in [0, 1), got " + beta1 + " and " + beta2);
            }
            if (!(epsilon > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException(
                        "AdamW needs epsilon > 0 and weight decay >= 0, got " + epsilon + " and " + weightDecay);
            }
        }
    }

    private final Settings settings;
    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long step;

    /** @param manager owns the moments; it must outlive the optimizer */
    public AdamW(Settings settings, NDManager manager) {
        this.settings = settings;
        this.manager = manager;
    }

    /** Updates applied so far (t in the bias corrections). */
    public long step() {
        return step;
    }

    /**
     * One update of every weight from its gradient, in place. {@code names} identify the weights
     * in the state; the three lists are parallel.
     */
    public void update(List<String> names, List<NDArray> weights, List<NDArray> gradients, double learningRate) {
        if (weights.isEmpty()) {
            return;
        }
        step++;
        if (NativeKernels.available() && fusable(weights, gradients)) {
            fusedUpdate(names, weights, gradients, learningRate);
            return;
        }
        double correction1 = 1 - Math.pow(settings.beta1(), step);
        double correction2 = 1 - Math.pow(settings.beta2(), step);
        // Every number an update multiplies by lives on the weights' device, made once per update:
        // DJL's NDArray.mul(Number) wraps each number in a host tensor and copies it to the device,
        // and libtorch synchronises the device after such a copy, so a per-weight mul(Number) stalled
        // the GPU about ten times per weight (2,900 times per update of a 0.5B Llama, issue 8).
        try (NDManager perUpdate = manager.newSubManager(weights.get(0).getDevice())) {
            Coefficients c = new Coefficients(
                    perUpdate,
                    settings,
                    learningRate / correction1,
                    1 / correction2,
                    1 - learningRate * settings.weightDecay());
            for (int i = 0; i < weights.size(); i++) {
                update(names.get(i), weights.get(i), gradients.get(i), c);
            }
        }
    }

    /**
     * libtorch's multi-tensor kernel ({@code _fused_adamw_}, through FuseFlow's native library): the
     * same formula as {@link #update(String, NDArray, NDArray, Coefficients)} in a handful of launches
     * instead of about ten per weight. It takes one floating type and one device for everything,
     * which the float32 weights of FP32/TF32 and the float32 masters of FP16_MIXED have.
     */
    private static boolean fusable(List<NDArray> weights, List<NDArray> gradients) {
        for (int i = 0; i < weights.size(); i++) {
            NDArray weight = weights.get(i);
            if (weight.getDataType() != DataType.FLOAT32
                    || gradients.get(i).getDataType() != DataType.FLOAT32
                    || !weight.getDevice().equals(weights.get(0).getDevice())) {
                return false;
            }
        }
        return true;
    }

    private void fusedUpdate(List<String> names, List<NDArray> weights, List<NDArray> gradients, double learningRate) {
        List<NDArray> first = new ArrayList<>();
        List<NDArray> second = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            NDArray weight = weights.get(i);
            first.add(firstMoments.computeIfAbsent(names.get(i), k -> zeros(weight)));
            second.add(secondMoments.computeIfAbsent(names.get(i), k -> zeros(weight)));
        }
        try (NDManager perUpdate = manager.newSubManager(weights.get(0).getDevice())) {
            // Read only by the kernel: one count for every weight (torch.optim keeps one per weight).
            NDArray count = perUpdate.create((float) step);
            FusedAdamW.step(
                    new FusedAdamW.State(weights, gradients, first, second, Collections.nCopies(weights.size(), count)),
                    new FusedAdamW.Hyperparameters(
                            learningRate,
                            settings.beta1(),
                            settings.beta2(),
                            settings.weightDecay(),
                            settings.epsilon()),
                    null,
                    null);
        }
    }

    /** The update's numbers as 0-dimensional float32 tensors on the weights' device. */
    // More than eight components: private, built in one place from Settings.
    @SuppressWarnings("checkstyle:RecordComponentNumber")
    private record Coefficients(
            NDArray beta1,
            NDArray oneMinusBeta1,
            NDArray beta2,
            NDArray oneMinusBeta2,
            NDArray epsilon,
            NDArray stepSize,
            NDArray inverseCorrection2,
            NDArray decay,
            boolean decays) {

        Coefficients(NDManager manager, Settings settings, double stepSize, double inverseCorrection2, double decay) {
            this(
                    manager.create((float) settings.beta1()),
                    manager.create((float) (1 - settings.beta1())),
                    manager.create((float) settings.beta2()),
                    manager.create((float) (1 - settings.beta2())),
                    manager.create((float) settings.epsilon()),
                    manager.create((float) stepSize),
                    manager.create((float) inverseCorrection2),
                    manager.create((float) decay),
                    settings.weightDecay() > 0);
        }
    }

    private void update(String name, NDArray weight, NDArray gradient, Coefficients c) {
        NDArray m = firstMoments.computeIfAbsent(name, k -> zeros(weight));
        NDArray v = secondMoments.computeIfAbsent(name, k -> zeros(weight));
        // Every temporary is created in a scratch manager: results of an operation land in the first
        // operand's manager, which for the moments is the long-lived one.
        try (NDManager scratch = manager.newSubManager(weight.getDevice())) {
            NDArray g = gradient.toType(DataType.FLOAT32, false);
            NDArray gScaled = g.mul(c.oneMinusBeta1());
            gScaled.attach(scratch);
            m.muli(c.beta1()).addi(gScaled); // m = beta1 * m + (1 - beta1) * g
            NDArray gSquared = g.square();
            gSquared.attach(scratch);
            v.muli(c.beta2()).addi(gSquared.muli(c.oneMinusBeta2())); // v = beta2 * v + (1 - beta2) * g^2
            NDArray corrected = v.mul(c.inverseCorrection2());
            corrected.attach(scratch);
            NDArray denominator = corrected.sqrt();
            denominator.attach(scratch);
            denominator.addi(c.epsilon()); // sqrt(v / (1 - beta2^t)) + eps
            NDArray step = m.mul(c.stepSize());
            step.attach(scratch);
            step.divi(denominator); // lr * (m / (1 - beta1^t)) / denominator
            if (c.decays()) {
                weight.muli(c.decay()); // w * (1 - lr * weightDecay)
            }
            NDArray typed = step.toType(weight.getDataType(), false);
            typed.attach(scratch);
            weight.subi(typed);
            if (g != gradient) {
                g.attach(scratch);
            }
        }
    }

    private NDArray zeros(NDArray like) {
        return manager.zeros(like.getShape(), DataType.FLOAT32, like.getDevice());
    }

    /** The moments under {@code m.<name>} and {@code v.<name>}, for a checkpoint; still owned by the optimizer. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        firstMoments.forEach((name, m) -> state.put("m." + name, m));
        secondMoments.forEach((name, v) -> state.put("v." + name, v));
        return state;
    }

    /** Continues from a checkpoint: the moments of {@link #state()} (copied) and the update count. */
    public void restore(Map<String, Tensor> moments, long completedSteps) {
        close();
        moments.forEach((key, tensor) -> {
            NDArray array = TensorTransfer.create(tensor, manager, DataType.FLOAT32);
            if (key.startsWith("m.")) {
                firstMoments.put(key.substring(2), array);
            } else if (key.startsWith("v.")) {
                secondMoments.put(key.substring(2), array);
            } else {
                throw new IllegalArgumentException(
                        "optimizer state entry '" + key + "' is neither m.<name> nor v.<name>");
            }
        });
        this.step = completedSteps;
    }

    /** Frees the moments. */
    public void close() {
        firstMoments.values().forEach(NDArray::close);
        secondMoments.values().forEach(NDArray::close);
        firstMoments.clear();
        secondMoments.clear();
    }
}
