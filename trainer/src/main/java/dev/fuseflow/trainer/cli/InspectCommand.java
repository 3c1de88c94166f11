package dev.fuseflow.trainer.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.kernels.NativeKernels;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ExpectedLogits;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.tokenizer.ChatTemplates;
import dev.fuseflow.trainer.train.ActivationLayout;
import dev.fuseflow.trainer.train.ModelCost;
import dev.fuseflow.trainer.train.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inspect DIR}: what FuseFlow makes of a Hugging Face model folder before anything trains on
 * it: architecture, parameters, weight files and dtypes, tokenizer and chat template, each config
 * field's fate, a GPU memory estimate for full fine-tuning, and optionally a parity self-check
 * against expected logits. A folder FuseFlow would refuse is reported with the reason, exit 1.
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "What FuseFlow makes of a Hugging Face model folder: architecture, parameters, dtypes, tokenizer,",
            "chat template, config fields, a training memory estimate, and optionally a parity self-check."
        })
final class InspectCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "DIR",
            description = "The model folder (config.json, safetensors, tokenizer).")
    Path dir;

    @Option(names = "--fields", description = "Also list every config.json field and what FuseFlow does with it.")
    boolean fields;

    @Option(
            names = "--batch",
            defaultValue = "8",
            description = "Samples per update for the memory estimate (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--length",
            defaultValue = "1024",
            description = "Tokens per sequence for the memory estimate (default ${DEFAULT-VALUE}).")
    int length;

    @Option(
            names = "--lora-rank",
            defaultValue = "16",
            description = "Adapter rank for the LoRA memory estimate, adapters on every projection"
                    + " (default ${DEFAULT-VALUE}).")
    int loraRank;

    @Option(
            names = "--expect",
            paramLabel = "FILE",
            description = "Expected logits (safetensors with input_ids, attention_mask, logits, as make_golden.py"
                    + " writes them): run the model on CPU in float32 and compare.")
    Path expected;

    @Option(
            names = "--tolerance",
            defaultValue = "1e-4",
            description = "Largest |logit difference| the self-check accepts (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> table;
        try {
            table = ModelDirectory.fieldTable(dir);
        } catch (IllegalArgumentException e) {
            out.println(dir + ": refused");
            out.println("  " + e.getMessage());
            return 1;
        }
        out.println(dir + ": " + ModelDirectory.modelType(dir) + ", supported");
        Optional<LlamaConfig> llama = ModelDirectory.llamaFamilyConfig(dir);
        llama.ifPresent(config -> out.println("  config: " + config));
        printWeights(out);
        printTokenizer(out);
        printFields(out, table);
        llama.ifPresent(config -> printMemory(out, config));
        return expected == null ? 0 : selfCheck(out);
    }

    private void printWeights(PrintWriter out) throws IOException {
        Map<String, Tensor> tensors = ShardedCheckpoint.read(dir);
        long elements = tensors.values().stream().mapToLong(Tensor::elements).sum();
        Map<String, Long> byType = new TreeMap<>();
        tensors.values().forEach(t -> byType.merge(t.dtype().name(), t.elements(), Long::sum));
        Path index = dir.resolve(ShardedCheckpoint.INDEX_FILE);
        long files = Files.isRegularFile(index)
                ? Set.copyOf(JSON.convertValue(JSON.readTree(index.toFile()).path("weight_map"), Map.class)
                                .values())
                        .size()
                : 1;
        out.printf(
                Locale.ROOT,
                "  weights: %,d parameters in %d tensors, %d safetensors file(s), dtypes %s%n",
                elements,
                tensors.size(),
                files,
                byType);
    }

    private void printTokenizer(PrintWriter out) throws IOException {
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            out.println("  tokenizer: none (tokenizer.json missing: training needs one)");
            return;
        }
        // ModelDirectory.tokenizer refuses one whose ids do not fit the embedding.
        try (HuggingFaceTokenizer tokenizer = ModelDirectory.tokenizer(dir)) {
            out.printf(Locale.ROOT, "  tokenizer: tokenizer.json, %,d ids%n", ModelDirectory.tokenizerIds(dir));
            out.println(
                    "  chat template: " + ChatTemplates.forModel(dir, tokenizer).source());
        }
    }

    private void printFields(PrintWriter out, Map<String, String> table) {
        long used = table.values().stream().filter("used"::equals).count();
        long fixed = table.values().stream()
                .filter(v -> v.startsWith("implemented for"))
                .count();
        out.printf(
                Locale.ROOT,
                "  config.json: %d fields used, %d implemented for one value, %d irrelevant to training%n",
                used,
                fixed,
                table.size() - used - fixed);
        if (fields) {
            table.forEach((field, fate) -> out.printf(Locale.ROOT, "    %-34s %s%n", field, fate));
        }
    }

    private void printMemory(PrintWriter out, LlamaConfig config) {
        // The trainer's layout: the prompt once per sample (half the tokens here), fused attention where loaded.
        ModelCost cost = new ModelCost(
                config, batch, length, ActivationLayout.trainerDefault(length / 2, NativeKernels.available()));
        out.printf(
                Locale.ROOT,
                "  full fine-tuning, WRPO update of %d samples x 3 sequences x %d tokens (half of them the shared"
                        + " prompt): about %.1f GiB of GPU"
                        + " memory in FP16_MIXED, %.1f GiB in TF32 (estimate: docs/gpu.md)%n",
                batch,
                length,
                cost.estimatedPeakBytes(Precision.FP16_MIXED) / (double) (1L << 30),
                cost.estimatedPeakBytes(Precision.TF32) / (double) (1L << 30));
        out.printf(
                Locale.ROOT,
                "  LoRA r=%d on every projection (%,d adapter parameters), the same update: about %.1f GiB in"
                        + " FP16_MIXED, %.1f GiB in TF32%n",
                loraRank,
                cost.adapterParameters(loraRank),
                cost.estimatedLoraPeakBytes(Precision.FP16_MIXED, loraRank) / (double) (1L << 30),
                cost.estimatedLoraPeakBytes(Precision.TF32, loraRank) / (double) (1L << 30));
        ModelCost checkpointed = cost.checkpointingLayers(true);
        out.printf(
                Locale.ROOT,
                "  with --activation-checkpointing, FP16_MIXED: about %.1f GiB full, %.1f GiB LoRA%n",
                checkpointed.estimatedPeakBytes(Precision.FP16_MIXED) / (double) (1L << 30),
                checkpointed.estimatedLoraPeakBytes(Precision.FP16_MIXED, loraRank) / (double) (1L << 30));
    }

    private int selfCheck(PrintWriter out) throws IOException {
        ExpectedLogits golden = ExpectedLogits.read(expected);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = ModelDirectory.load(dir, manager, DataType.FLOAT32);
            double worst = golden.maxDifference(golden.logitsOf(model, manager));
            boolean pass = worst <= tolerance;
            out.printf(
                    Locale.ROOT,
                    "  parity with %s: max |logit difference| %.3g over real positions: %s (tolerance %.1g)%n",
                    expected,
                    worst,
                    pass ? "PASS" : "FAIL",
                    tolerance);
            return pass ? 0 : 1;
        }
    }
}
