package dev.fuseflow.trainer.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.eval.CandidateMetric;
import dev.fuseflow.trainer.eval.EvalReport;
import dev.fuseflow.trainer.eval.PreferenceEvaluator;
import dev.fuseflow.trainer.lora.AdaptedModels;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import dev.fuseflow.trainer.training.Objective;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eval}: preference accuracy and margins of a model on a JSONL file of WRPO samples, and the
 * candidate-metric plug-ins on the same samples.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Preference accuracy and reward margins of a model on JSONL samples, and the plug-in candidate metrics.",
            "With --reference, rewards are WRPO's beta * (logp_model - logp_ref); without, summed log-likelihoods (nats)."
        })
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFile config = new ConfigFile();

    @Option(
            names = "--model",
            required = true,
            description = "Model folder to score, or a LoRA adapter folder (applied to the base it names).")
    Path model;

    @Option(
            names = "--reference",
            description = "Reference model folder: a run's reference-model/, or a LoRA run's sft-adapter/ (the SFT"
                    + " adapter on the starting model).")
    Path reference;

    @Option(names = "--data", required = true, description = "JSONL of WRPO samples.")
    Path data;

    @Mixin
    RewardOptions rewards = new RewardOptions();

    @Option(
            names = "--micro-batch",
            defaultValue = "8",
            description = "Samples per forward pass (default ${DEFAULT-VALUE}).")
    int microBatch;

    @Mixin
    SequenceOptions sequences = new SequenceOptions();

    @Mixin
    CandidateMetricOptions candidateMetrics = new CandidateMetricOptions();

    @Option(names = "--json", description = "One JSON object instead of the table.")
    boolean json;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Override
    public Integer call() throws Exception {
        List<CandidateMetric> metrics = candidateMetrics.chosen();
        rewards.objective(Objective.WRPO, -1);
        Path modelFolder = AdaptedModels.modelFolder(model);
        if (reference != null) {
            ModelDirectory.requireSameVocabulary(modelFolder, AdaptedModels.modelFolder(reference));
        }
        SequenceBudget budget = sequences.budgetFor(modelFolder);
        var tokenizer = ModelDirectory.tokenizer(modelFolder);
        try (NDManager manager = device.device().newManager();
                PromptResponseEncoder encoder = PromptResponseEncoder.forModel(modelFolder, tokenizer)) {
            CausalLanguageModel scored = AdaptedModels.load(model, manager, DataType.FLOAT32);
            CausalLanguageModel base =
                    reference == null ? null : AdaptedModels.load(reference, manager, DataType.FLOAT32);
            List<WrpoExample> samples = WrpoExampleJsonl.read(data);
            EvalReport report = new PreferenceEvaluator(scored, base, manager, rewards.alphaFinal(), rewards.beta())
                    .evaluate(samples, new PreferenceBatcher(encoder, budget, 0), microBatch);
            Map<String, Double> plugins = new TreeMap<>();
            for (CandidateMetric metric : metrics) {
                plugins.putAll(metric.score(scored, manager, encoder, samples));
            }
            print(report, plugins, spec.commandLine().getOut());
        }
        return 0;
    }

    private void print(EvalReport report, Map<String, Double> plugins, PrintWriter out) throws Exception {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode tree = mapper.valueToTree(report);
            if (!report.withReference()) {
                tree.remove("loss"); // no WRPO loss without a reference: absent, not NaN
            }
            tree.set("candidateMetrics", mapper.valueToTree(plugins));
            out.println(mapper.writeValueAsString(tree));
            return;
        }
        out.printf(
                Locale.ROOT,
                "%s on %s (%d samples, rewards %s)%n",
                model,
                data,
                report.samples(),
                report.withReference() ? "beta * log-ratio to " + reference : "summed log-likelihood, nats");
        Map<String, Double> all = new LinkedHashMap<>(report.metrics());
        all.putAll(plugins);
        for (Map.Entry<String, Double> e : all.entrySet()) {
            out.printf(Locale.ROOT, "  %-32s %12.6f%n", e.getKey(), e.getValue());
        }
    }
}
