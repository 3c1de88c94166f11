package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.train.Precision;
import dev.fuseflow.trainer.training.LearningRate;
import dev.fuseflow.trainer.training.Objective;
import dev.fuseflow.trainer.training.Optimization;
import dev.fuseflow.trainer.training.TrainingRecipe;
import dev.fuseflow.trainer.training.TrainingSetup;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The hyperparameters {@code serve} and {@code train} share, declared once. Each command starts
 * from its own defaults ({@link #forServe}, {@link #forTrain}): a stream trains small micro-batches
 * as they come, a file accumulates the paper's global batch.
 */
final class TrainingOptions {

    @Option(
            names = "--objective",
            description = "The preference stage: ${COMPLETION-CANDIDATES} (DPO: alpha held at 0; SFT: no"
                    + " preference stage) (default ${DEFAULT-VALUE}).")
    Objective objective = Objective.WRPO;

    @Option(names = "--micro-batch", description = "Samples per forward pass (default ${DEFAULT-VALUE}).")
    int microBatch;

    @Option(names = "--accumulation", description = "Micro-batches per optimizer update (default ${DEFAULT-VALUE}).")
    int accumulation;

    @Option(names = "--sft-lr", description = "SFT's peak learning rate (default ${DEFAULT-VALUE}).")
    double sftLearningRate = 1e-5;

    @Option(
            names = "--lr",
            description = "The preference stage's peak learning rate (default ${DEFAULT-VALUE}, the paper's).")
    double learningRate = 3e-7;

    @Option(
            names = "--warmup-ratio",
            description = "Share of each stage's schedule spent warming up linearly (default ${DEFAULT-VALUE}).")
    double warmupRatio = 0.1;

    @Option(
            names = "--min-lr-ratio",
            description = "Where each stage's cosine ends, as a share of its peak (default ${DEFAULT-VALUE}).")
    double minLearningRateRatio;

    @Mixin
    RewardOptions rewards = new RewardOptions();

    @Option(
            names = "--alpha-ramp",
            description = "T: updates over which alpha ramps to alpha_final; -1: the whole preference stage"
                    + " (default ${DEFAULT-VALUE}).")
    long alphaRamp;

    @Mixin
    SequenceOptions sequences = new SequenceOptions();

    @Option(names = "--max-grad-norm", description = "Global gradient-norm clipping (default ${DEFAULT-VALUE}).")
    double maxGradNorm = 1.0;

    @Option(names = "--weight-decay", description = "AdamW's decoupled weight decay (default ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(
            names = "--activation-checkpointing",
            description =
                    "Recompute each decoder layer in the backward instead of keeping its activations: about a third"
                            + " more compute for activation memory of one (B, T, C) input per layer, so larger batches and"
                            + " longer sequences fit (default ${DEFAULT-VALUE}).")
    boolean activationCheckpointing;

    @Option(
            names = "--sft-dedupe-window",
            description =
                    "SFT skips a sample whose asked prompt (its promptId) and y_ws it trained on among the"
                            + " last N pairs: the stream's re-emissions (0: off, every sample trains) (default ${DEFAULT-VALUE}).")
    int sftDedupeWindow;

    @Option(
            names = "--seed",
            description = "The data order of a file, and the weights of a --fresh-model (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--checkpoint-every", description = "Updates between checkpoints (default ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", description = "Newest checkpoints kept (default ${DEFAULT-VALUE}).")
    int keepCheckpoints;

    @Mixin
    PrecisionOption precision = PrecisionOption.defaultingTo(Precision.FP32);

    @Mixin
    DeviceOption device = new DeviceOption();

    @Mixin
    LoraOptions lora = new LoraOptions();

    private TrainingOptions() {}

    /** A stream: micro-batches of 8, one update each; the cosine ends at a tenth of its peak; alpha ramps over the paper's ~311. */
    static TrainingOptions forServe() {
        TrainingOptions options = new TrainingOptions();
        options.microBatch = 8;
        options.accumulation = 1;
        options.minLearningRateRatio = 0.1;
        options.alphaRamp = 311;
        options.checkpointEvery = 20;
        options.keepCheckpoints = 5;
        return options;
    }

    /** A file: the paper's global batch of 128 as 64 micro-batches of 2; alpha ramps over the whole preference stage. */
    static TrainingOptions forTrain() {
        TrainingOptions options = new TrainingOptions();
        options.microBatch = 2;
        options.accumulation = 64;
        options.minLearningRateRatio = 0.0;
        options.alphaRamp = -1;
        options.checkpointEvery = 50;
        options.keepCheckpoints = 3;
        return options;
    }

    /** The recipe, validated: a bad value fails here, before any model or data is read. */
    TrainingRecipe recipe() {
        if (!(sftLearningRate > 0) || !(learningRate > 0)) {
            throw new IllegalArgumentException(
                    "--sft-lr and --lr must be > 0, got " + sftLearningRate + " and " + learningRate);
        }
        sequences.requireValid();
        return new TrainingRecipe(
                new LearningRate(sftLearningRate, warmupRatio, minLearningRateRatio),
                new LearningRate(learningRate, warmupRatio, minLearningRateRatio),
                new Optimization(
                        weightDecay, maxGradNorm, accumulation, precision.precision(), activationCheckpointing),
                rewards.objective(objective, alphaRamp),
                microBatch,
                sftDedupeWindow,
                checkpointEvery,
                lora.settings());
    }

    /** The setup on {@code model}, its sequences capped at the model's context; checks the precision is available here. */
    TrainingSetup setup(Path model, Path output) throws IOException {
        TrainingRecipe recipe = recipe();
        precision.requireAvailable();
        return new TrainingSetup(
                model,
                output,
                device.device(),
                sequences.budgetFor(model),
                recipe,
                keepCheckpoints,
                lora.mergedVersions);
    }
}
