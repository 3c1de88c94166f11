package dev.fuseflow.trainer.training;

import java.util.Map;

/**
 * What one trained micro-batch did, for metrics, logs and the CSV.
 *
 * @param stageName SFT, WRPO or DPO
 * @param metrics docs/wrpo.md's names (loss, grad_norm, rewards/*, logps/*, alpha, learning_rate)
 * @param applied false when the micro-batch's update was skipped for a non-finite loss or gradient
 * @param tokens  real (unpadded) tokens through the policy
 */
public record StepReport(
        String stageName,
        Map<String, Double> metrics,
        double alpha,
        boolean applied,
        long tokens,
        int samples,
        double seconds) {

    public StepReport {
        metrics = Map.copyOf(metrics);
    }
}
