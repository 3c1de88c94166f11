package dev.fuseflow.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.WrpoLoss;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-step figures docs/wrpo.md asks for, under the names users of preference trainers know
 * ({@code rewards/margins}, {@code logps/rejected}, ...). Rewards already carry beta; accuracies are
 * the share of samples whose reward beats the rejected one; lengths are mean response tokens, where
 * length exploitation shows. Rates (tokens/s, samples/s) belong to the loop that times the steps.
 */
public final class WrpoMetrics {

    private WrpoMetrics() {}

    public static Map<String, Double> of(
            WrpoLoss.Result result, PreferenceLogps policy, PreferenceBatch batch, double alpha, double gradNorm) {
        double[] chosen = doubles(result.chosenReward());
        double[] sourceChosen = doubles(result.sourceChosenReward());
        double[] targetChosen = doubles(result.targetChosenReward());
        double[] rejected = doubles(result.rejectedReward());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", doubles(result.loss())[0]);
        metrics.put("rewards/chosen", mean(chosen));
        metrics.put("rewards/source_chosen", mean(sourceChosen));
        metrics.put("rewards/target_chosen", mean(targetChosen));
        metrics.put("rewards/rejected", mean(rejected));
        metrics.put("rewards/margins", mean(chosen) - mean(rejected));
        metrics.put("rewards/accuracies", shareAbove(chosen, rejected));
        metrics.put("rewards/source_accuracies", shareAbove(sourceChosen, rejected));
        metrics.put("rewards/target_accuracies", shareAbove(targetChosen, rejected));
        metrics.put("logps/source_chosen", mean(doubles(policy.sourceChosen())));
        metrics.put("logps/target_chosen", mean(doubles(policy.targetChosen())));
        metrics.put("logps/rejected", mean(doubles(policy.rejected())));
        metrics.put("alpha", alpha);
        metrics.put("grad_norm", gradNorm);
        metrics.put("length/source_chosen", meanResponseTokens(batch.sourceChosen()));
        metrics.put("length/target_chosen", meanResponseTokens(batch.targetChosen()));
        metrics.put("length/rejected", meanResponseTokens(batch.rejected()));
        return Collections.unmodifiableMap(metrics);
    }

    private static double[] doubles(NDArray values) {
        return values.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    private static double shareAbove(double[] chosen, double[] rejected) {
        int above = 0;
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i] > rejected[i]) {
                above++;
            }
        }
        return (double) above / chosen.length;
    }

    private static double meanResponseTokens(PreferenceBatch.Sequences sequences) {
        long tokens = 0;
        for (long[] row : sequences.response()) {
            for (long flag : row) {
                tokens += flag;
            }
        }
        return (double) tokens / sequences.response().length;
    }
}
