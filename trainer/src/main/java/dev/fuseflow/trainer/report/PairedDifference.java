package dev.fuseflow.trainer.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Arm A against arm B over the seeds both ran: per seed d_s = A_s - B_s, their mean, and two standard errors of
 * that mean (paired, 2·sd(d)/√N) beside the unpaired 2·√(sd_A²/N + sd_B²/N). The learning experiment's claim
 * needs mean(d) above two paired standard errors (docs/learning.md, section 3); the demo's comparison and
 * {@code compare-runs} both report it.
 *
 * @param differences d_s by seed
 */
public record PairedDifference(
        String first,
        String second,
        Map<Long, Double> differences,
        double mean,
        double twoStandardErrors,
        double twoStandardErrorsUnpaired) {

    /** {@code first} and {@code second}: a value per seed; seeds missing from either are left out. */
    public static PairedDifference of(
            String firstName, Map<Long, Double> first, String secondName, Map<Long, Double> second) {
        Map<Long, Double> differences = new TreeMap<>();
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        first.forEach((seed, value) -> {
            Double other = second.get(seed);
            if (other != null) {
                differences.put(seed, value - other);
                a.add(value);
                b.add(other);
            }
        });
        int n = differences.size();
        double[] d =
                differences.values().stream().mapToDouble(Double::doubleValue).toArray();
        double pairedSe = n < 2 ? Double.NaN : 2 * sd(d) / Math.sqrt(n);
        double unpairedSe = n < 2 ? Double.NaN : 2 * Math.sqrt((square(sd(doubles(a))) + square(sd(doubles(b)))) / n);
        return new PairedDifference(firstName, secondName, differences, mean(d), pairedSe, unpairedSe);
    }

    /** The experiment's bar: the mean difference exceeds two paired standard errors (needs two seeds or more). */
    public boolean exceedsTwoStandardErrors() {
        return mean > twoStandardErrors;
    }

    public static double mean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Sample standard deviation (n - 1); 0 for fewer than two values. */
    public static double sd(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += square(v - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
    }

    private static double square(double v) {
        return v * v;
    }

    private static double[] doubles(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
