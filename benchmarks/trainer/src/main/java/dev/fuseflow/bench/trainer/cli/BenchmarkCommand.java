package dev.fuseflow.bench.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.bench.trainer.WrpoBenchmark;
import dev.fuseflow.trainer.cli.DeviceOption;
import dev.fuseflow.trainer.cli.PrecisionOption;
import dev.fuseflow.trainer.lora.LoraSettings;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.train.BatchLogps;
import dev.fuseflow.trainer.train.ModelCost;
import dev.fuseflow.trainer.train.Precision;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code benchmark}: times the WRPO update on a random Llama-shape model; one JSON line per run for the side-by-side table. */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        description =
                "Time WRPO updates (policy fwd+bwd on 3 sequences, reference fwd, clipping, AdamW) on a random Llama model.")
final class BenchmarkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--layers",
            defaultValue = "32",
            description = "Decoder layers of the random Llama (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "1024", description = "Hidden size (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--heads", defaultValue = "16", description = "Attention heads (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(
            names = "--kv-heads",
            defaultValue = "16",
            description = "Key/value heads (fewer than --heads: grouped-query attention; default ${DEFAULT-VALUE}).")
    int kvHeads;

    @Option(
            names = "--intermediate",
            defaultValue = "2816",
            description = "MLP intermediate size (default ${DEFAULT-VALUE}).")
    int intermediate;

    @Option(names = "--vocab", defaultValue = "32000", description = "Vocabulary size (default ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--length", defaultValue = "1024", description = "Tokens per sequence (default ${DEFAULT-VALUE}).")
    int length;

    @Option(
            names = "--prompt-length",
            defaultValue = "512",
            description = "Prompt tokens of each sequence (the loss covers the rest; default ${DEFAULT-VALUE}).")
    int promptLength;

    @Option(names = "--batch", required = true, description = "Samples per update (each has 3 sequences).")
    int batch;

    @Mixin
    PrecisionOption precisionOption = PrecisionOption.defaultingTo(Precision.FP16_MIXED);

    /** Several GPUs of this host (gpu0,gpu1): data-parallel, --batch split among them. */
    @Mixin
    DeviceOption deviceOption = new DeviceOption();

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed updates first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "5", description = "Timed updates (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the weights and tokens (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--profile",
            description = "Also write a Chrome trace of one update here: with the native kernels libtorch's Kineto"
                    + " profiler (operators, GPU kernels, allocations), else DJL's (host operators only).")
    Path profile;

    @Option(names = "--json", description = "Append the result as one JSON line to this file.")
    Path json;

    @Option(
            names = "--lora-rank",
            defaultValue = "0",
            description = "Train LoRA adapters of this rank on every projection of a frozen base, the reference being"
                    + " the same model with them off; 0: full fine-tuning (default ${DEFAULT-VALUE}).")
    int loraRank;

    @Option(
            names = "--layout",
            defaultValue = "SHARED_PROMPT",
            description = "SHARED_PROMPT: each sample's prompt runs once for its three responses (the trainer's"
                    + " default); SEPARATE: three rows x y_ws, x y_wt, x y_l (default ${DEFAULT-VALUE}).")
    BatchLogps.Layout layout;

    @Option(
            names = "--activation-checkpointing",
            description = "Recompute each decoder layer in the backward instead of keeping its activations"
                    + " (default ${DEFAULT-VALUE}).")
    boolean activationCheckpointing;

    @Option(
            names = "--estimate-only",
            description = "Print the parameter count, FLOPs and memory estimate; run nothing.")
    boolean estimateOnly;

    @Override
    public Integer call() throws Exception {
        Precision precision = precisionOption.requireAvailable();
        LlamaConfig config =
                LlamaConfig.of(vocab, hidden, intermediate, layers, heads, kvHeads, Math.max(2048, length));
        Optional<LoraSettings> lora = loraRank == 0
                ? Optional.empty()
                : Optional.of(new LoraSettings(loraRank, 2.0 * loraRank, 0, List.of(LoraSettings.ALL_LINEAR), false));
        WrpoBenchmark.Settings settings = new WrpoBenchmark.Settings(
                config,
                deviceOption.device(),
                precision,
                batch,
                length,
                promptLength,
                warmup,
                steps,
                seed,
                Optional.ofNullable(profile),
                lora,
                layout,
                activationCheckpointing);
        ModelCost cost = new ModelCost(config, batch, length, settings.activations());
        long estimate = lora.map(l -> cost.estimatedLoraPeakBytes(precision, l.rank()))
                .orElse(cost.estimatedPeakBytes(precision));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "model: %.3f B parameters, %d layers x %d, batch %d x 3 sequences x %d tokens, %.2f TFLOP per update,"
                        + " estimated peak %.1f GiB (%s%s)%n",
                cost.parameters() / 1e9,
                layers,
                hidden,
                batch,
                length,
                cost.flopsPerUpdate() / 1e12,
                estimate / (double) (1L << 30),
                precision,
                lora.map(l -> ", LoRA r=" + l.rank() + ": " + cost.adapterParameters(l.rank()) + " trained parameters")
                        .orElse(""));
        out.flush();
        if (estimateOnly) {
            return 0;
        }
        WrpoBenchmark.Result result = WrpoBenchmark.run(settings);
        print(result, precision, out);
        out.flush();
        if (json != null) {
            Files.writeString(
                    json,
                    new ObjectMapper().writeValueAsString(result) + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        return 0;
    }

    private static void print(WrpoBenchmark.Result result, Precision precision, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "djl %s %s %s%s: %.3f s/update (median %.3f), %.0f tokens/s, %.2f samples/s, MFU %.1f%%, peak %s,"
                        + " loss %.4f -> %.4f, skipped %d%n",
                result.device(),
                precision,
                result.layout(),
                result.checkpointLayers() ? " checkpointed" : "",
                result.secondsPerUpdate(),
                result.medianSecondsPerUpdate(),
                result.tokensPerSecond(),
                result.samplesPerSecond(),
                100 * result.utilisation(),
                result.peakGpuBytes() < 0
                        ? "n/a"
                        : String.format(Locale.ROOT, "%.1f GiB", result.peakGpuBytes() / (double) (1L << 30)),
                result.firstLoss(),
                result.lastLoss(),
                result.skippedUpdates());
    }
}
