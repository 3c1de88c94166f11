package dev.fuseflow.trainer.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Preference accuracy and margins of a model on a set of samples, weighted by the sample weights:
 * accuracy is the weighted share of samples whose chosen reward beats the rejected one (chosen is
 * WRPO's alpha mix of y_ws and y_wt; source and target accuracies compare each alone), margins are
 * weighted means of chosen minus rejected reward.
 */
// More than eight components: built in one place, by the evaluator.
@SuppressWarnings("checkstyle:RecordComponentNumber")
public record EvalReport(
        long samples,
        boolean withReference,
        double loss,
        double accuracy,
        double sourceAccuracy,
        double targetAccuracy,
        double margin,
        double sourceMargin,
        double targetMargin) {

    /**
     * The figures under the names the training metrics use, prefixed {@code eval/}. Without a reference
     * there is no WRPO loss: {@code eval/loss} is absent rather than NaN.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("eval/samples", (double) samples);
        if (withReference) {
            m.put("eval/loss", loss);
        }
        m.put("eval/rewards/accuracies", accuracy);
        m.put("eval/rewards/source_accuracies", sourceAccuracy);
        m.put("eval/rewards/target_accuracies", targetAccuracy);
        m.put("eval/rewards/margins", margin);
        m.put("eval/rewards/source_margins", sourceMargin);
        m.put("eval/rewards/target_margins", targetMargin);
        return m;
    }

    /** Accumulates samples one by one. */
    public static final class Builder {
        private final boolean withReference;
        private long samples;
        private double weight;
        private double loss;
        private double accuracy;
        private double sourceAccuracy;
        private double targetAccuracy;
        private double margin;
        private double sourceMargin;
        private double targetMargin;

        public Builder(boolean withReference) {
            this.withReference = withReference;
        }

        void add(
                double w, double sampleLoss, double sourceChosen, double targetChosen, double chosen, double rejected) {
            samples++;
            weight += w;
            loss += w * sampleLoss;
            accuracy += chosen > rejected ? w : 0;
            sourceAccuracy += sourceChosen > rejected ? w : 0;
            targetAccuracy += targetChosen > rejected ? w : 0;
            margin += w * (chosen - rejected);
            sourceMargin += w * (sourceChosen - rejected);
            targetMargin += w * (targetChosen - rejected);
        }

        public EvalReport build() {
            if (samples == 0) {
                throw new IllegalStateException("no samples were scored");
            }
            return new EvalReport(
                    samples,
                    withReference,
                    withReference ? loss / weight : Double.NaN,
                    accuracy / weight,
                    sourceAccuracy / weight,
                    targetAccuracy / weight,
                    margin / weight,
                    sourceMargin / weight,
                    targetMargin / weight);
        }
    }
}
