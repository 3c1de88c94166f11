package dev.fuseflow.bench.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.fuseflow.trainer.model.ActivationCheckpoints;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.model.Scalar;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.WrpoLoss;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.train.BatchLogps;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.Precision;
import dev.fuseflow.trainer.train.PreferenceBatch;
import dev.fuseflow.trainer.train.UpdateSettings;
import dev.fuseflow.trainer.train.WrpoUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Does a device compute what the CPU computes? The same model and batch give the WRPO loss and
 * every parameter's gradient on the CPU in float32 and on the device in a precision; a short run
 * of updates gives both loss curves. Tolerances per precision are {@link Tolerance}'s.
 */
public final class DeviceParity {

    /** Accepted differences: relative loss, relative L2 error of each parameter's gradient, final gap of the loss curves. */
    public record Tolerance(double loss, double gradient, double curve) {
        public static Tolerance of(Precision precision) {
            return switch (precision) {
                case FP32 -> new Tolerance(1e-5, 1e-4, 1e-2);
                case TF32 -> new Tolerance(5e-3, 3e-2, 3e-2);
                case FP16_MIXED -> new Tolerance(1e-2, 5e-2, 5e-2);
            };
        }
    }

    /** One gradient comparison: the worst parameter names itself. */
    public record Gradients(
            double cpuLoss,
            double deviceLoss,
            double lossError,
            double worstGradientError,
            String worstParameter,
            int parameters) {
        public boolean within(Tolerance tolerance) {
            return lossError <= tolerance.loss() && worstGradientError <= tolerance.gradient();
        }
    }

    /**
     * Loss per update on each side. Gaps are measured in units of the starting loss (log 2 for
     * WRPO from the reference), so a run whose loss approaches 0 is not judged by relative noise:
     * {@code worstStepGap} is the largest gap at any update (mixed precision starts a few updates
     * behind while its loss scale comes down from 2^16, as PyTorch's GradScaler does), and
     * {@code finalGap} the gap between the last quarter's mean losses, the trend the check holds.
     */
    public record Curves(double[] cpu, double[] device, double worstStepGap, double finalGap) {
        public boolean within(Tolerance tolerance) {
            return finalGap <= tolerance.curve() && decreasing(cpu) && decreasing(device);
        }

        static Curves of(double[] cpu, double[] device) {
            double start = Math.max(Math.abs(cpu[0]), 1e-12);
            double worst = 0;
            for (int i = 0; i < cpu.length; i++) {
                worst = Math.max(worst, Math.abs(device[i] - cpu[i]) / start);
            }
            return new Curves(cpu, device, worst, Math.abs(lastQuarterMean(device) - lastQuarterMean(cpu)) / start);
        }

        /** The trend: the last quarter's mean loss is below the first quarter's. */
        static boolean decreasing(double[] losses) {
            int quarter = Math.max(1, losses.length / 4);
            double first = 0;
            for (int i = 0; i < quarter; i++) {
                first += losses[i];
            }
            return lastQuarterMean(losses) < first / quarter;
        }

        private static double lastQuarterMean(double[] losses) {
            int quarter = Math.max(1, losses.length / 4);
            double sum = 0;
            for (int i = 0; i < quarter; i++) {
                sum += losses[losses.length - 1 - i];
            }
            return sum / quarter;
        }
    }

    private static final double ALPHA = 0.1;
    private static final double BETA = 0.1;
    /** Float16 gradients of a tiny model underflow unscaled; the loss is scaled by this and the gradients divided back. */
    private static final double FP16_LOSS_SCALE = 1024;

    private DeviceParity() {}

    /**
     * How the device side runs its forward passes; the CPU reference always runs three separate rows
     * per sample and keeps every activation, so a difference of layout or of recomputation shows.
     *
     * @param layout           the device's layout of a sample's three responses
     * @param checkpointLayers recompute each decoder layer in backward on the device
     */
    public record DevicePath(BatchLogps.Layout layout, boolean checkpointLayers) {
        static final DevicePath CPU_REFERENCE = new DevicePath(BatchLogps.Layout.SEPARATE, false);
    }

    public static Gradients gradients(
            Path model, PreferenceBatch batch, ComputeDevice device, Precision precision, DevicePath path)
            throws IOException {
        Map<String, float[]> cpu = new LinkedHashMap<>();
        double cpuLoss =
                lossAndGradients(model, batch, new ComputeDevice("cpu"), Precision.FP32, DevicePath.CPU_REFERENCE, cpu);
        Map<String, float[]> other = new LinkedHashMap<>();
        double deviceLoss = lossAndGradients(model, batch, device, precision, path, other);
        double worst = 0;
        String worstName = "";
        for (Map.Entry<String, float[]> entry : cpu.entrySet()) {
            double error = relativeError(entry.getValue(), other.get(entry.getKey()));
            if (error > worst || worstName.isEmpty()) {
                worst = error;
                worstName = entry.getKey();
            }
        }
        return new Gradients(
                cpuLoss,
                deviceLoss,
                Math.abs(deviceLoss - cpuLoss) / Math.max(Math.abs(cpuLoss), 1e-12),
                worst,
                worstName,
                cpu.size());
    }

    /** {@code updates} WRPO updates on each side from the same start, one batch per update. */
    public static Curves curves(
            Path model, List<PreferenceBatch> batches, ComputeDevice device, Precision precision, double learningRate)
            throws IOException {
        double[] cpu = run(model, batches, new ComputeDevice("cpu"), Precision.FP32, learningRate);
        return Curves.of(cpu, run(model, batches, device, precision, learningRate));
    }

    private static double lossAndGradients(
            Path model,
            PreferenceBatch batch,
            ComputeDevice device,
            Precision precision,
            DevicePath path,
            Map<String, float[]> gradients)
            throws IOException {
        try (NDManager manager = device.newManager()) {
            CausalLanguageModel policy = ModelDirectory.load(model, manager, precision.computeType());
            CausalLanguageModel reference = ModelDirectory.load(model, manager, precision.computeType());
            reference.freezeParameters(true);
            ParameterStore store = new ParameterStore(manager, false);
            double scale = precision == Precision.FP16_MIXED ? FP16_LOSS_SCALE : 1.0;
            try (NDManager step = manager.newSubManager()) {
                PreferenceLogps referenceLogps = BatchLogps.of(reference, store, batch, step, false, path.layout());
                NDArray weights = step.create(batch.weights())
                        .toType(referenceLogps.sourceChosen().getDataType(), false);
                double loss;
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector();
                        ActivationCheckpoints checkpoints =
                                path.checkpointLayers() ? ActivationCheckpoints.open(step) : null) {
                    PreferenceLogps policyLogps = BatchLogps.of(policy, store, batch, step, true, path.layout());
                    NDArray value = WrpoLoss.compute(policyLogps, referenceLogps, weights, ALPHA, BETA)
                            .loss();
                    collector.backward(value.mul(Scalar.like(value, scale))); // not mul(Number): see Scalar
                    if (checkpoints != null) {
                        checkpoints.backward(); // the recomputed layers' part of the gradients
                    }
                    loss = value.toType(DataType.FLOAT64, false).getDouble();
                }
                for (Pair<String, Parameter> parameter : policy.getParameters()) {
                    try (NDArray gradient = parameter.getValue().getArray().getGradient()) {
                        float[] values =
                                gradient.toType(DataType.FLOAT32, false).toFloatArray();
                        for (int i = 0; i < values.length; i++) {
                            values[i] /= (float) scale;
                        }
                        gradients.put(parameter.getKey(), values);
                    }
                }
                return loss;
            }
        }
    }

    /** The same updates data-parallel over {@code devices} (e.g. {@code gpu0,gpu1}: DJL's mirrors) against their first device alone. */
    public static Curves dataParallelCurves(
            Path model, List<PreferenceBatch> batches, ComputeDevice devices, Precision precision, double learningRate)
            throws IOException {
        return Curves.of(
                run(model, batches, devices.first(), precision, learningRate),
                run(model, batches, devices, precision, learningRate));
    }

    private static double[] run(
            Path model, List<PreferenceBatch> batches, ComputeDevice device, Precision precision, double learningRate)
            throws IOException {
        try (NDManager manager = device.newManager()) {
            CausalLanguageModel policy = ModelDirectory.load(model, manager, precision.computeType());
            CausalLanguageModel reference = ModelDirectory.load(model, manager, precision.computeType());
            WrpoUpdate step = WrpoUpdate.on(
                    device,
                    policy,
                    reference,
                    manager,
                    new UpdateSettings(
                            new CosineWarmupSchedule(learningRate, learningRate, 1, batches.size()),
                            AdamW.Settings.PYTORCH,
                            1.0,
                            1,
                            precision));
            double[] losses = new double[batches.size()];
            for (int i = 0; i < batches.size(); i++) {
                losses[i] = step.apply(batches.get(i), ALPHA, BETA).loss();
            }
            return losses;
        }
    }

    /** ||a - b|| / ||a||, the usual gradient-check measure; a zero gradient compares absolutely. */
    static double relativeError(float[] reference, float[] other) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = (double) other[i] - reference[i];
            difference += d * d;
            norm += (double) reference[i] * reference[i];
        }
        return Math.sqrt(difference) / Math.max(Math.sqrt(norm), 1e-12);
    }
}
