package dev.fuseflow.bench.trainer.cli;

import dev.fuseflow.bench.trainer.DeviceParity;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.cli.DeviceConverter;
import dev.fuseflow.trainer.cli.DeviceOption;
import dev.fuseflow.trainer.cli.PrecisionOption;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.report.TrainingCurves;
import dev.fuseflow.trainer.tokenizer.ChatTemplates;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import dev.fuseflow.trainer.train.BatchLogps;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.Precision;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code device-check}: the WRPO loss, gradients and a short run's loss curve on a device against the CPU. Exit 1 outside tolerance. */
@Command(
        name = "device-check",
        mixinStandardHelpOptions = true,
        description =
                "Compare the WRPO loss, every gradient and a short training run's loss curve on --device with the CPU.")
final class DeviceCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption deviceOption = new DeviceOption();

    /** On the device; the CPU runs FP32. */
    @Mixin
    PrecisionOption precisionOption = PrecisionOption.defaultingTo(Precision.FP32);

    @Option(
            names = "--model",
            defaultValue = "LLAMA_TINY",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    FreshModel model;

    @Option(names = "--batch", defaultValue = "8", description = "Samples per update (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--updates",
            defaultValue = "40",
            description = "Length of the loss-curve run (default ${DEFAULT-VALUE}).")
    int updates;

    @Option(
            names = "--lr",
            defaultValue = "3e-3",
            description = "Learning rate of the loss-curve run (default ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--layout",
            defaultValue = "SHARED_PROMPT",
            description = "How the device lays out a sample's three responses for the gradient check, against the"
                    + " CPU's separate rows: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    BatchLogps.Layout layout;

    @Option(
            names = "--activation-checkpointing",
            description = "Recompute each decoder layer in backward on the device for the gradient check (the CPU"
                    + " keeps every activation).")
    boolean activationCheckpointing;

    @Option(
            names = "--data-parallel",
            converter = DeviceConverter.class,
            description =
                    "Also run the updates data-parallel over these devices (e.g. gpu0,gpu1) against the first alone.")
    ComputeDevice dataParallel;

    @Option(
            names = "--output",
            defaultValue = "device-check",
            description = "Folder for the model, the curves CSV and plot (default ${DEFAULT-VALUE}).")
    Path output;

    @Override
    public Integer call() throws Exception {
        Precision precision = precisionOption.requireAvailable();
        ComputeDevice device = deviceOption.device();
        Path modelDir = output.resolve("model-" + model.name().toLowerCase(Locale.ROOT));
        if (!Files.exists(modelDir.resolve("config.json"))) {
            model.write(modelDir, 42);
        }
        List<PreferenceBatch> batches = batches(modelDir);
        DeviceParity.Tolerance tolerance = DeviceParity.Tolerance.of(precision);
        PrintWriter out = spec.commandLine().getOut();
        DeviceParity.Gradients gradients = DeviceParity.gradients(
                modelDir,
                batches.get(0),
                device,
                precision,
                new DeviceParity.DevicePath(layout, activationCheckpointing));
        out.printf(
                Locale.ROOT,
                "%s %s %s%s vs cpu FP32 separate rows, %s: loss %.8f vs %.8f (relative error %.2e, tolerance %.0e); worst gradient of %d:"
                        + " %s, relative L2 error %.2e (tolerance %.0e)%n",
                device,
                precision,
                layout,
                activationCheckpointing ? " with activation checkpointing" : "",
                model,
                gradients.deviceLoss(),
                gradients.cpuLoss(),
                gradients.lossError(),
                tolerance.loss(),
                gradients.parameters(),
                gradients.worstParameter(),
                gradients.worstGradientError(),
                tolerance.gradient());
        DeviceParity.Curves curves =
                DeviceParity.curves(modelDir, batches.subList(1, batches.size()), device, precision, learningRate);
        Path plot = writeCurves(curves, device, precision);
        out.printf(
                Locale.ROOT,
                "loss curve over %d updates: %.4f -> %.4f on cpu, %.4f -> %.4f on %s; gap of the last quarter's means"
                        + " %.2e of the starting loss (tolerance %.0e), widest gap at any update %.2e; plot %s%n",
                updates,
                curves.cpu()[0],
                curves.cpu()[updates - 1],
                curves.device()[0],
                curves.device()[updates - 1],
                device,
                curves.finalGap(),
                tolerance.curve(),
                curves.worstStepGap(),
                plot);
        boolean passed = gradients.within(tolerance) && curves.within(tolerance);
        if (dataParallel != null && dataParallel.isDataParallel()) {
            passed &= dataParallelWithin(modelDir, batches, precision, tolerance, out);
        }
        out.println(passed ? "PASS" : "FAIL");
        out.flush();
        return passed ? 0 : 1;
    }

    /** The first batch for the gradients, the others for the loss curve. */
    private List<PreferenceBatch> batches(Path modelDir) throws IOException {
        var tokenizer = ModelDirectory.tokenizer(modelDir);
        List<PreferenceBatch> batches = new ArrayList<>();
        try (PromptResponseEncoder encoder = new PromptResponseEncoder(tokenizer, ChatTemplates.builtIn(tokenizer))) {
            PreferenceBatcher batcher = new PreferenceBatcher(encoder, new SequenceBudget(64, 48), 0);
            for (int i = 0; i <= updates; i++) {
                batches.add(batcher.batch(ShoutTask.samples(batch, 1000L + i)));
            }
        }
        return batches;
    }

    /** The two loss curves as CSV and PNG; the plot's path. */
    private Path writeCurves(DeviceParity.Curves curves, ComputeDevice device, Precision precision) throws IOException {
        String deviceRun = device + " " + precision;
        TrainingCurves chart = new TrainingCurves("update");
        for (int i = 0; i < curves.cpu().length; i++) {
            chart.record(i + 1, Map.of("cpu FP32 (reference)", curves.cpu()[i], deviceRun, curves.device()[i]));
        }
        String precisionName = precision.name().toLowerCase(Locale.ROOT);
        String name = "loss-" + device.name().replaceAll("[^a-z0-9]", "") + "-" + precisionName;
        StringBuilder csv = new StringBuilder("update,cpu_fp32," + device.name() + "_" + precisionName + "\n");
        for (int i = 0; i < curves.cpu().length; i++) {
            csv.append(i + 1)
                    .append(',')
                    .append(curves.cpu()[i])
                    .append(',')
                    .append(curves.device()[i])
                    .append('\n');
        }
        Files.writeString(output.resolve(name + ".csv"), csv);
        String title = "WRPO loss, " + model + ": cpu FP32 and " + deviceRun;
        chart.write(output, List.of(new TrainingCurves.Chart(name, title, List.of("cpu FP32 (reference)", deviceRun))));
        return output.resolve(name + ".png");
    }

    private boolean dataParallelWithin(
            Path modelDir,
            List<PreferenceBatch> batches,
            Precision precision,
            DeviceParity.Tolerance tolerance,
            PrintWriter out)
            throws IOException {
        DeviceParity.Curves parallel = DeviceParity.dataParallelCurves(
                modelDir, batches.subList(1, batches.size()), dataParallel, precision, learningRate);
        out.printf(
                Locale.ROOT,
                "data-parallel over %s against %s alone: %.4f -> %.4f vs %.4f -> %.4f; gap of the last quarter's"
                        + " means %.2e of the starting loss, widest gap at any update %.2e%n",
                dataParallel,
                dataParallel.first().name(),
                parallel.device()[0],
                parallel.device()[updates - 1],
                parallel.cpu()[0],
                parallel.cpu()[updates - 1],
                parallel.finalGap(),
                parallel.worstStepGap());
        return parallel.within(tolerance);
    }
}
