package dev.fuseflow.streams.pairing;

/**
 * How much a sample counts in the trainer's weighted loss (README, "Sample weight"):
 *
 * <pre>
 *   weight = clamp( n / (n + halfConfidenceSignals)      -- more signals, more confidence
 *                 * agreement                            -- share of votes that order y_wt over y_l
 *                 * min(1, rewardGap / fullWeightGap),   -- clearer preferences count more
 *                 minWeight, 1 )
 * </pre>
 *
 * where {@code n} counts the signals on y_ws, y_wt and y_l.
 */
public record WeightPolicy(double halfConfidenceSignals, double fullWeightGap, double minWeight) {

    public static final WeightPolicy DEFAULT = new WeightPolicy(2.0, 1.0, 0.05);

    public WeightPolicy {
        if (!(halfConfidenceSignals > 0)) {
            throw new IllegalArgumentException("half-confidence signal count must be > 0, got " + halfConfidenceSignals);
        }
        if (!(fullWeightGap > 0)) {
            throw new IllegalArgumentException("full-weight reward gap must be > 0, got " + fullWeightGap);
        }
        if (!(minWeight > 0 && minWeight <= 1)) {
            throw new IllegalArgumentException("minimum weight must lie in (0, 1], got " + minWeight);
        }
    }

    public double weight(int signals, double agreement, double rewardGap) {
        double confidence = signals / (signals + halfConfidenceSignals);
        double clarity = Math.min(1.0, Math.max(0.0, rewardGap) / fullWeightGap);
        return Math.min(1.0, Math.max(minWeight, confidence * agreement * clarity));
    }
}
