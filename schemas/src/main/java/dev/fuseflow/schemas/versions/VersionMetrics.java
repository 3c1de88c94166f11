package dev.fuseflow.schemas.versions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of a model version's eval metrics ({@code ModelVersion.evalMetrics}) a table of versions
 * shows: the preference accuracy and margin every gated version has, then every candidate-metric
 * plug-in's metric that any shown version carries ({@code eval/task_reward} of the demo's skills
 * plug-in, say). The trainer's own bookkeeping ({@code eval/loss}, {@code eval/samples},
 * {@code eval/stage} and the other {@code eval/rewards/*}) stays in the JSON views.
 */
public final class VersionMetrics {

    public static final String ACCURACY = "eval/rewards/accuracies";
    public static final String MARGIN = "eval/rewards/margins";
    private static final Set<String> BOOKKEEPING = Set.of("eval/loss", "eval/samples", "eval/stage");

    private VersionMetrics() {}

    /** The columns for versions with these metrics, in order. */
    public static List<String> columns(Collection<? extends Map<String, Double>> versions) {
        Set<String> plugins = new TreeSet<>();
        versions.forEach(metrics -> metrics.keySet().stream()
                .filter(name -> !name.startsWith("eval/rewards/") && !BOOKKEEPING.contains(name))
                .forEach(plugins::add));
        List<String> columns = new ArrayList<>(List.of(ACCURACY, MARGIN));
        columns.addAll(plugins);
        return columns;
    }

    /** A column's header: the metric's name without {@code eval/} ({@code accuracy}, {@code margin}, {@code task_reward}). */
    public static String header(String metric) {
        return switch (metric) {
            case ACCURACY -> "accuracy";
            case MARGIN -> "margin";
            default -> metric.replaceFirst("^eval/", "");
        };
    }

    /** The value as the tables print it, {@code -} where the version has none. */
    public static String cell(Map<String, Double> metrics, String metric) {
        Double value = metrics.get(metric);
        return value == null || value.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
