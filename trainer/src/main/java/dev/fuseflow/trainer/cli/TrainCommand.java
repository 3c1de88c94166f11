package dev.fuseflow.trainer.cli;

import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.trainer.offline.OfflineEvaluation;
import dev.fuseflow.trainer.offline.OfflineTraining;
import dev.fuseflow.trainer.offline.OfflineTrainingSettings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train}: the paper's recipe on a JSONL file of WRPO samples. Defaults are the paper's
 * (for 8B models); tiny models need larger learning rates and batches of a few samples.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "SFT on y_ws, then WRPO with the SFT model frozen as reference; checkpoints, metrics CSV, PNG curves.",
            "Every option can also come from --config FILE (key train.<name>, e.g. train.lr)",
            "or from the environment (FUSEFLOW_TRAIN_<NAME>, e.g. FUSEFLOW_TRAIN_LR)."
        })
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFile config = new ConfigFile();

    @Option(
            names = "--model",
            required = true,
            description = "Starting model folder (Hugging Face layout, tokenizer.json).")
    Path model;

    @Option(names = "--data", required = true, description = "JSONL of WRPO samples (PreferenceSample field names).")
    Path data;

    @Option(names = "--output", required = true, description = "Run folder: checkpoints, metrics, plots, final model.")
    Path output;

    @Option(names = "--resume", description = "Continue from the run folder's newest checkpoint.")
    boolean resume;

    @Option(
            names = "--eval-data",
            description = "Held-out JSONL scored at the end (and every --eval-every updates): eval-<stage>.csv, plots.")
    Path evalData;

    @Option(
            names = "--eval-every",
            defaultValue = "0",
            description = "Updates between held-out evaluations during training; each also writes a checkpoint"
                    + " (default ${DEFAULT-VALUE}: only at the end).")
    long evalEvery;

    @Mixin
    CandidateMetricOptions candidateMetrics = new CandidateMetricOptions();

    @Option(
            names = "--sft-fraction",
            defaultValue = "0.3333333333",
            description = "Share of samples for SFT (default 1/3, the paper).")
    double sftFraction;

    @Option(
            names = "--sft-epochs",
            defaultValue = "1",
            description = "Epochs of the SFT stage (default ${DEFAULT-VALUE}).")
    int sftEpochs;

    @Option(
            names = "--epochs",
            defaultValue = "1",
            description = "Epochs of the preference stage (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--log-every",
            defaultValue = "1",
            description = "Updates between metric lines (default ${DEFAULT-VALUE}).")
    int logEvery;

    @Mixin
    TrainingOptions training = TrainingOptions.forTrain();

    @Override
    public Integer call() throws Exception {
        OfflineTrainingSettings settings = new OfflineTrainingSettings(
                data,
                new OfflineEvaluation(Optional.ofNullable(evalData), evalEvery, candidateMetrics.chosen()),
                sftFraction,
                sftEpochs,
                epochs,
                training.seed,
                logEvery);
        new OfflineTraining(
                        settings,
                        training.setup(model, output),
                        spec.commandLine().getOut(),
                        System.err)
                .run(resume);
        return 0;
    }
}
