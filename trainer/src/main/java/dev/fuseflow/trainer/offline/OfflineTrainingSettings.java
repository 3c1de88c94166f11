package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.Precision;
import java.nio.file.Path;

/**
 * Everything an offline run needs, with the paper's values where it gives them.
 *
 * @param model             starting model folder (Hugging Face layout with tokenizer.json)
 * @param data              JSONL of WRPO samples
 * @param output            run folder: checkpoints, metrics, plots, the reference and the final model
 * @param sftFraction       share of the samples whose y_ws trains the SFT stage (paper: one third);
 *                          the rest trains the preference stage
 * @param alphaRampUpdates  T of the alpha ramp; -1 means the length of the preference stage, 0 no ramp
 * @param logEvery          print the metrics every this many updates
 * @param precision         FP32, or FP16_MIXED (float16 compute, float32 masters, loss scaling)
 * @param evalData          optional held-out JSONL scored at the end (null for none)
 */
public record OfflineTrainingSettings(Path model, Path data, Path output, Objective objective, double sftFraction,
                                      int sftEpochs, int epochs, int microBatchSize, int accumulation, double sftLearningRate,
                                      double learningRate, double warmupRatio, double beta, double alphaFinal,
                                      long alphaRampUpdates, SequenceBudget budget, double maxGradNorm, double weightDecay,
                                      long seed, int checkpointEvery, int keepCheckpoints, int logEvery, Precision precision,
                                      Path evalData, ComputeDevice device) {

    public OfflineTrainingSettings {
        device = device == null ? ComputeDevice.AUTO : device;
        require(model != null && data != null && output != null, "--model, --data and --output are required");
        require(sftFraction >= 0 && sftFraction <= 1, "--sft-fraction must lie in [0, 1], got " + sftFraction);
        require(objective != Objective.SFT || sftFraction > 0, "--objective SFT needs --sft-fraction > 0");
        require(sftEpochs >= 1 && epochs >= 1, "--sft-epochs and --epochs must be >= 1, got " + sftEpochs + " and " + epochs);
        require(microBatchSize >= 1, "--micro-batch must be >= 1, got " + microBatchSize);
        require(accumulation >= 1, "--accumulation must be >= 1, got " + accumulation);
        require(sftLearningRate > 0 && learningRate > 0, "--sft-lr and --lr must be > 0, got " + sftLearningRate + " and "
                + learningRate);
        require(warmupRatio >= 0 && warmupRatio < 1, "--warmup-ratio must lie in [0, 1), got " + warmupRatio);
        require(beta > 0 && Double.isFinite(beta), "--beta must be a finite number > 0, got " + beta);
        require(alphaFinal >= 0 && alphaFinal <= 1, "--alpha must lie in [0, 1], got " + alphaFinal);
        require(alphaRampUpdates >= -1, "--alpha-ramp must be >= 0 updates, or -1 for the whole preference stage, got "
                + alphaRampUpdates);
        require(maxGradNorm > 0, "--max-grad-norm must be > 0, got " + maxGradNorm);
        require(weightDecay >= 0, "--weight-decay must be >= 0, got " + weightDecay);
        require(checkpointEvery >= 1, "--checkpoint-every must be >= 1 update, got " + checkpointEvery);
        require(keepCheckpoints >= 1, "--keep-checkpoints must be >= 1, got " + keepCheckpoints);
        require(precision != null, "--precision is required");
        require(logEvery >= 1, "--log-every must be >= 1 update, got " + logEvery);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** alpha_final of the preference stage: DPO holds alpha at 0. */
    public double effectiveAlphaFinal() {
        return objective == Objective.DPO ? 0.0 : alphaFinal;
    }
}
