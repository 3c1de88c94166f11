package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.offline.Objective;
import dev.fuseflow.trainer.offline.OfflineTraining;
import dev.fuseflow.trainer.offline.OfflineTrainingSettings;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.Precision;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train}: the paper's recipe on a JSONL file of WRPO samples. Defaults are the paper's
 * (for 8B models); tiny models need larger learning rates and batches of a few samples.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"SFT on y_ws, then WRPO with the SFT model frozen as reference; checkpoints, metrics CSV, PNG curves.",
            "Every option can also come from --config FILE (key = option name without dashes, or train.<name>)",
            "or from the environment (FUSEFLOW_TRAIN_<NAME>, e.g. FUSEFLOW_TRAIN_LR)."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", description = "Properties file with option defaults.")
    Path config;

    @Option(names = "--model", required = true, description = "Starting model folder (Hugging Face layout, tokenizer.json).")
    Path model;

    @Option(names = "--data", required = true, description = "JSONL of WRPO samples (PreferenceSample field names).")
    Path data;

    @Option(names = "--output", required = true, description = "Run folder: checkpoints, metrics, plots, final model.")
    Path output;

    @Option(names = "--resume", description = "Continue from the run folder's newest checkpoint.")
    boolean resume;

    @Option(names = "--objective", defaultValue = "WRPO", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Objective objective;

    @Option(names = "--eval-data", description = "Held-out JSONL scored at the end.")
    Path evalData;

    @Option(names = "--sft-fraction", defaultValue = "0.3333333333", description = "Share of samples for SFT (default 1/3, the paper).")
    double sftFraction;

    @Option(names = "--sft-epochs", defaultValue = "1")
    int sftEpochs;

    @Option(names = "--epochs", defaultValue = "1", description = "Epochs of the preference stage (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--micro-batch", defaultValue = "2", description = "Samples per forward pass (default ${DEFAULT-VALUE}).")
    int microBatch;

    @Option(names = "--accumulation", defaultValue = "64", description = "Micro-batches per update (default ${DEFAULT-VALUE}).")
    int accumulation;

    @Option(names = "--sft-lr", defaultValue = "1e-5", description = "Peak SFT learning rate (default ${DEFAULT-VALUE}).")
    double sftLearningRate;

    @Option(names = "--lr", defaultValue = "3e-7", description = "Peak preference learning rate (default ${DEFAULT-VALUE}, the paper).")
    double learningRate;

    @Option(names = "--warmup-ratio", defaultValue = "0.1")
    double warmupRatio;

    @Option(names = "--beta", defaultValue = "0.01")
    double beta;

    @Option(names = "--alpha", defaultValue = "0.1", description = "alpha_final (default ${DEFAULT-VALUE}; ignored by DPO).")
    double alphaFinal;

    @Option(names = "--alpha-ramp", defaultValue = "-1", description = "T in updates; -1: the whole preference stage.")
    long alphaRamp;

    @Option(names = "--max-length", defaultValue = "2048", description = "Tokens per sequence, capped at the model's context.")
    int maxLength;

    @Option(names = "--max-prompt-length", defaultValue = "1800", description = "Prompt tokens kept (from the end) when too long.")
    int maxPromptLength;

    @Option(names = "--max-grad-norm", defaultValue = "1.0")
    double maxGradNorm;

    @Option(names = "--weight-decay", defaultValue = "0.0")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Updates between checkpoints.")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "3")
    int keepCheckpoints;

    @Option(names = "--precision", defaultValue = "FP32", description = "${COMPLETION-CANDIDATES}: TF32 tensor-core matmuls;"
            + " FP16_MIXED float16 compute with float32 masters and loss scaling (default ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--device", defaultValue = "auto", converter = DeviceConverter.class,
            description = "auto (the first GPU libtorch sees, else the CPU), cpu, gpu, gpuN or cuda:N (default ${DEFAULT-VALUE}).")
    ComputeDevice device;

    @Option(names = "--log-every", defaultValue = "1", description = "Updates between metric lines.")
    int logEvery;

    @Override
    public Integer call() throws Exception {
        SequenceBudget budget = SequenceBudget.cappedTo(maxLength, maxPromptLength, ModelDirectory.contextLength(model));
        OfflineTrainingSettings settings = new OfflineTrainingSettings(model, data, output, objective, sftFraction, sftEpochs, epochs,
                microBatch, accumulation, sftLearningRate, learningRate, warmupRatio, beta, alphaFinal, alphaRamp,
                budget, maxGradNorm, weightDecay, seed, checkpointEvery, keepCheckpoints, logEvery,
                precision, evalData, device);
        precision.requireAvailable(System.getenv());
        new OfflineTraining(settings, spec.commandLine().getOut(), System.err).run(resume);
        return 0;
    }
}
