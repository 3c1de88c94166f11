package dev.fuseflow.streams.pairing;

import static dev.fuseflow.streams.config.StreamProcessorSettings.FULL_WEIGHT_GAP;
import static dev.fuseflow.streams.config.StreamProcessorSettings.HALF_CONFIDENCE_SIGNALS;
import static dev.fuseflow.streams.config.StreamProcessorSettings.MIN_WEIGHT;

/**
 * How much a sample counts in the trainer's weighted loss (docs/architecture.md, "Emission and sample weight"):
 *
 * <pre>
 *   weight = clamp( n / (n + halfConfidenceSignals)      -- more signals, more confidence
 *                 * agreement                            -- share of votes that order y_wt over y_l
 *                 * min(1, rewardGap / fullWeightGap),   -- clearer preferences count more
 *                 minWeight, 1 )
 * </pre>
 *
 * where {@code n} counts the signals on y_ws, y_wt and y_l. Defaults and rules are the settings'
 * ({@code StreamProcessorSettings}).
 */
public record WeightPolicy(double halfConfidenceSignals, double fullWeightGap, double minWeight) {

    public static final WeightPolicy DEFAULT = new WeightPolicy(
            HALF_CONFIDENCE_SIGNALS.defaultValue(), FULL_WEIGHT_GAP.defaultValue(), MIN_WEIGHT.defaultValue());

    public WeightPolicy {
        HALF_CONFIDENCE_SIGNALS.require("half-confidence signal count", halfConfidenceSignals);
        FULL_WEIGHT_GAP.require("full-weight reward gap", fullWeightGap);
        MIN_WEIGHT.require("minimum weight", minWeight);
    }

    public double weight(int signals, double agreement, double rewardGap) {
        double confidence = signals / (signals + halfConfidenceSignals);
        double clarity = Math.min(1.0, Math.max(0.0, rewardGap) / fullWeightGap);
        return Math.min(1.0, Math.max(minWeight, confidence * agreement * clarity));
    }
}
