package dev.fuseflow.trainer.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a candidate may replace the published version: every metric it is judged on must be
 * finite, and none may be worse than the published version's by more than the tolerance. Higher
 * is better for every gated metric except those listed as lower-is-better (losses).
 *
 * @param metrics      the metric names the gate reads, e.g. {@code eval/rewards/accuracies}
 * @param lowerIsBetter the subset of {@code metrics} where smaller values are better
 * @param tolerance    how much worse than the published value a candidate may be
 */
public record EvalGate(List<String> metrics, List<String> lowerIsBetter, double tolerance) {

    /** The gate's verdict: pass, or the reasons it failed (each names the metric and both values). */
    public record Decision(boolean publish, List<String> reasons) {}

    public EvalGate {
        if (metrics.isEmpty() || !(tolerance >= 0)) {
            throw new IllegalArgumentException("an eval gate needs at least one metric and a tolerance >= 0, got "
                    + metrics + " and " + tolerance);
        }
        if (!metrics.containsAll(lowerIsBetter)) {
            throw new IllegalArgumentException(
                    "lower-is-better metrics " + lowerIsBetter + " must be among the gated " + metrics);
        }
        metrics = List.copyOf(metrics);
        lowerIsBetter = List.copyOf(lowerIsBetter);
    }

    /** This gate without the given metrics (those a stage does not define); empty when none would be left. */
    public Optional<EvalGate> without(List<String> undefined) {
        List<String> kept = metrics.stream().filter(m -> !undefined.contains(m)).toList();
        return kept.isEmpty()
                ? Optional.empty()
                : Optional.of(new EvalGate(
                        kept, lowerIsBetter.stream().filter(kept::contains).toList(), tolerance));
    }

    /** @param published the current published version's metrics; empty for the first version */
    public Decision judge(Map<String, Double> candidate, Map<String, Double> published) {
        List<String> reasons = new ArrayList<>();
        for (String metric : metrics) {
            Double value = candidate.get(metric);
            if (value == null || !Double.isFinite(value)) {
                reasons.add(metric + " is " + value + ": every gated metric must be finite");
                continue;
            }
            Double baseline = published.get(metric);
            if (baseline == null || !Double.isFinite(baseline)) {
                continue;
            }
            boolean lower = lowerIsBetter.contains(metric);
            double worseBy = lower ? value - baseline : baseline - value;
            if (worseBy > tolerance) {
                reasons.add(String.format(
                        Locale.ROOT,
                        "%s %.6f is worse than the published %.6f by %.6f (tolerance %.6f)",
                        metric,
                        value,
                        baseline,
                        worseBy,
                        tolerance));
            }
        }
        return new Decision(reasons.isEmpty(), List.copyOf(reasons));
    }
}
