package dev.fuseflow.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import dev.fuseflow.trainer.model.ActivationCheckpoints;
import dev.fuseflow.trainer.model.Scalar;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.WrpoLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The WRPO update of {@link WrpoStep} over the GPUs of one host, data-parallel through DJL's own
 * multi-device machinery: each micro-batch is split into one contiguous share of samples per
 * device; DJL's {@link ai.djl.training.ParameterStore} keeps a mirror of every weight on each
 * device and runs each share's forward and backward there; {@code updateAllParameters()} sums the
 * mirrors' gradients into the first device ({@link MirrorGradients}), where the one guarded update
 * runs; the new weights are then copied to the mirrors.
 *
 * <p>Each share's loss is its weighted mean scaled by its share of the batch's total weight, so
 * the summed gradients equal those of the whole batch's weighted mean, as on one device.
 */
public final class DataParallelWrpoStep extends GuardedStep implements WrpoUpdate {

    private final Block policy;
    private final Block reference;
    private final BatchLogps.Layout layout;
    private final List<Device> devices;
    private final MirrorGradients mirrors;
    private final boolean mirrored;

    /**
     * {@code devices}: distinct devices, the first the one {@code manager} and the weights live on; or
     * the same device several times, which splits each micro-batch without mirrors (for tests).
     */
    public DataParallelWrpoStep(
            Block policy, Block reference, NDManager manager, UpdateSettings settings, List<Device> devices) {
        this(policy, reference, manager, settings, devices, BatchLogps.Layout.SHARED_PROMPT);
    }

    public DataParallelWrpoStep(
            Block policy,
            Block reference,
            NDManager manager,
            UpdateSettings settings,
            List<Device> devices,
            BatchLogps.Layout layout) {
        super(checked(policy, manager, devices), manager, settings);
        this.policy = policy;
        this.reference = reference;
        this.layout = layout;
        this.devices = List.copyOf(devices);
        reference.freezeParameters(true);
        this.mirrors = new MirrorGradients();
        int distinct = new HashSet<>(devices).size();
        // All shares on one device (a CPU test of the splitting) accumulate into the same weights: no mirrors.
        this.mirrored = distinct > 1;
        if (mirrored && distinct != devices.size()) {
            throw new IllegalArgumentException(
                    "data-parallel devices must be distinct (or all the same), got " + devices);
        }
        if (mirrored) {
            store.setParameterServer(mirrors, devices.toArray(Device[]::new));
        }
    }

    private static Block checked(Block policy, NDManager manager, List<Device> devices) {
        if (devices.isEmpty() || !devices.get(0).equals(manager.getDevice())) {
            throw new IllegalArgumentException(
                    "the first device must be the weights' own, " + manager.getDevice() + "; got " + devices);
        }
        return policy;
    }

    @Override
    public WrpoStep.Outcome apply(PreferenceBatch batch, double alpha, double beta) {
        int shares = Math.min(devices.size(), batch.size());
        double totalWeight = Arrays.stream(batch.weights()).sum();
        List<NDManager> steps = new ArrayList<>();
        try {
            List<PreferenceBatch> slices = new ArrayList<>();
            for (int i = 0; i < shares; i++) {
                // The first device first: DJL makes the parameter itself its mirror there only if it asks first.
                steps.add(manager.newSubManager(devices.get(i)));
                slices.add(batch.slice(i * batch.size() / shares, (i + 1) * batch.size() / shares));
            }
            List<PreferenceLogps> referenceLogps = new ArrayList<>();
            for (int i = 0; i < shares; i++) {
                referenceLogps.add(BatchLogps.of(reference, store, slices.get(i), steps.get(i), false, layout));
            }
            List<WrpoLoss.Result> results = new ArrayList<>();
            List<PreferenceLogps> policyLogps = new ArrayList<>();
            List<Double> portions = new ArrayList<>();
            try (GradientCollector collector =
                    Engine.getEngine(manager.getEngine().getEngineName()).newGradientCollector()) {
                for (int i = 0; i < shares; i++) {
                    // Launched one device after the other without reading anything back, so the devices overlap.
                    double portion = Arrays.stream(slices.get(i).weights()).sum() / totalWeight;
                    ShareResult share =
                            share(collector, slices.get(i), referenceLogps.get(i), steps.get(i), alpha, beta, portion);
                    results.add(share.result());
                    policyLogps.add(share.logps());
                    portions.add(portion);
                }
            }
            double loss = 0;
            for (int i = 0; i < shares; i++) {
                loss += portions.get(i)
                        * results.get(i).loss().toType(DataType.FLOAT64, false).getDouble();
            }
            if (mirrored) {
                store.updateAllParameters(); // DJL hands MirrorGradients each weight's mirrors
            }
            GuardedUpdate.Update done = update.afterBackward(loss).orElse(new GuardedUpdate.Update(false, Double.NaN));
            if (done.applied() && mirrored) {
                mirrors.broadcast();
            }
            Map<String, Double> metrics = averaged(results, policyLogps, slices, alpha, done.gradNorm(), batch.size());
            metrics.put("loss", loss);
            return new WrpoStep.Outcome(
                    done.applied(),
                    loss,
                    done.gradNorm(),
                    metrics.get("rewards/chosen"),
                    metrics.get("rewards/rejected"),
                    metrics.get("rewards/accuracies"),
                    metrics);
        } finally {
            steps.forEach(NDManager::close);
        }
    }

    private record ShareResult(WrpoLoss.Result result, PreferenceLogps logps) {}

    /** One device's share: the policy's forward, its loss scaled by its portion of the batch's weight, backward. */
    private ShareResult share(
            GradientCollector collector,
            PreferenceBatch slice,
            PreferenceLogps referenceLogps,
            NDManager step,
            double alpha,
            double beta,
            double portion) {
        try (ActivationCheckpoints checkpoints = checkpoints(step)) {
            PreferenceLogps logps = BatchLogps.of(policy, store, slice, step, true, layout);
            NDArray weights =
                    step.create(slice.weights()).toType(logps.sourceChosen().getDataType(), false);
            WrpoLoss.Result result = WrpoLoss.compute(logps, referenceLogps, weights, alpha, beta);
            backward(collector, result.loss().mul(Scalar.like(result.loss(), portion)), checkpoints);
            return new ShareResult(result, logps);
        }
    }

    /** Each share's metrics, weighted by its number of samples. */
    private static Map<String, Double> averaged(
            List<WrpoLoss.Result> results,
            List<PreferenceLogps> logps,
            List<PreferenceBatch> slices,
            double alpha,
            double gradNorm,
            int samples) {
        Map<String, Double> sum = new LinkedHashMap<>();
        for (int i = 0; i < results.size(); i++) {
            double share = slices.get(i).size() / (double) samples;
            WrpoMetrics.of(results.get(i), logps.get(i), slices.get(i), alpha, gradNorm)
                    .forEach((name, value) -> sum.merge(name, share * value, Double::sum));
        }
        sum.put("grad_norm", gradNorm);
        return sum;
    }
}
