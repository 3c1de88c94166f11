package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.report.MetricsCsv;
import dev.fuseflow.trainer.report.PairedDifference;
import dev.fuseflow.trainer.training.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Offline runs of several recipes ("arms") and seeds side by side, from the held-out curves that
 * {@code train --eval-data} writes: run folders named {@code <arm>-seed<seed>} under one folder. Per arm the
 * end of SFT (the last {@code eval-sft.csv} row of a run with a preference stage), the final model and the
 * preference stage's gain, mean ± sd over seeds; then each pair of arms' paired difference of the final model.
 */
public final class RunComparison {

    private static final Pattern RUN = Pattern.compile("(.+)-seed(\\d+)");

    /**
     * One run's curve.
     *
     * @param rows      every evaluation, by update
     * @param endOfSft  the model the preference stage started from; empty for a run without one
     */
    public record Run(String arm, long seed, List<MetricsCsv.Row> rows, Optional<MetricsCsv.Row> endOfSft) {

        public MetricsCsv.Row last() {
            return rows.get(rows.size() - 1);
        }
    }

    private RunComparison() {}

    /** The finished runs under {@code folder} (those with {@code model/}), by arm in name order, each arm's by seed. */
    public static Map<String, List<Run>> read(Path folder) throws IOException {
        Map<String, List<Run>> byArm = new TreeMap<>();
        for (Path dir : runFolders(folder)) {
            Matcher name = RUN.matcher(dir.getFileName().toString());
            if (name.matches() && finished(dir)) {
                read(dir, name.group(1), Long.parseLong(name.group(2)))
                        .ifPresent(run -> byArm.computeIfAbsent(run.arm(), k -> new ArrayList<>())
                                .add(run));
            }
        }
        byArm.values().forEach(runs -> runs.sort(Comparator.comparingLong(Run::seed)));
        return byArm;
    }

    /** Run folders without {@code model/} yet: cut short or still training; their last row is not a final model. */
    public static List<String> unfinished(Path folder) throws IOException {
        return runFolders(folder).stream()
                .filter(dir -> !finished(dir))
                .map(dir -> dir.getFileName().toString())
                .toList();
    }

    private static List<Path> runFolders(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--runs " + folder + " is not a folder");
        }
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(Files::isDirectory)
                    .filter(dir -> RUN.matcher(dir.getFileName().toString()).matches())
                    .sorted()
                    .toList();
        }
    }

    private static boolean finished(Path run) {
        return Files.exists(run.resolve(OfflineTraining.FINAL).resolve("config.json"));
    }

    private static Optional<Run> read(Path dir, String arm, long seed) throws IOException {
        List<MetricsCsv.Row> sft = rows(dir.resolve(PeriodicEvaluation.csvName(Stage.SFT)));
        List<MetricsCsv.Row> preference = rows(dir.resolve(PeriodicEvaluation.csvName(Stage.PREFERENCE)));
        if (sft.isEmpty() && preference.isEmpty()) {
            return Optional.empty();
        }
        List<MetricsCsv.Row> all = new ArrayList<>(sft);
        all.addAll(preference);
        all.sort(Comparator.comparingLong(MetricsCsv.Row::step));
        Optional<MetricsCsv.Row> endOfSft =
                preference.isEmpty() || sft.isEmpty() ? Optional.empty() : Optional.of(sft.get(sft.size() - 1));
        return Optional.of(new Run(arm, seed, List.copyOf(all), endOfSft));
    }

    private static List<MetricsCsv.Row> rows(Path csv) throws IOException {
        return Files.exists(csv) ? MetricsCsv.read(csv) : List.of();
    }

    /** {@code metric} and its per-part metrics ({@code metric/...}), as the runs' last rows name them. */
    public static List<String> metrics(Map<String, List<Run>> byArm, String metric) {
        return byArm.values().stream()
                .flatMap(List::stream)
                .flatMap(run -> run.last().metrics().keySet().stream())
                .filter(name -> name.equals(metric) || name.startsWith(metric + "/"))
                .distinct()
                .sorted()
                .toList();
    }

    /** The table: per arm and metric, end of SFT, final and gain (mean ± sd over seeds); then the paired differences. */
    public static String table(Map<String, List<Run>> byArm, String metric) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "%-12s %5s %-28s %16s %16s %16s%n",
                "arm",
                "seeds",
                "metric",
                "end of SFT",
                "final",
                "gain"));
        List<String> names = metrics(byArm, metric);
        for (Map.Entry<String, List<Run>> arm : byArm.entrySet()) {
            for (String name : names) {
                List<Run> runs = arm.getValue();
                text.append(String.format(
                        Locale.ROOT,
                        "%-12s %5d %-28s %16s %16s %16s%n",
                        arm.getKey(),
                        runs.size(),
                        name,
                        meanSd(runs.stream()
                                .filter(run -> run.endOfSft().isPresent())
                                .mapToDouble(run -> value(run.endOfSft().get(), name))
                                .toArray()),
                        meanSd(runs.stream()
                                .mapToDouble(run -> value(run.last(), name))
                                .toArray()),
                        meanSd(runs.stream()
                                .filter(run -> run.endOfSft().isPresent())
                                .mapToDouble(run -> value(run.last(), name)
                                        - value(run.endOfSft().get(), name))
                                .toArray())));
            }
        }
        text.append(String.format(Locale.ROOT, "%npaired differences of the final %s, seed by seed:%n", metric));
        List<String> arms = new ArrayList<>(byArm.keySet());
        for (int i = 0; i < arms.size(); i++) {
            for (int j = i + 1; j < arms.size(); j++) {
                PairedDifference d = PairedDifference.of(
                        arms.get(i),
                        finals(byArm.get(arms.get(i)), metric),
                        arms.get(j),
                        finals(byArm.get(arms.get(j)), metric));
                text.append(String.format(
                        Locale.ROOT,
                        "  %s - %s: %+.4f (2 SE paired %.4f)%s %s%n",
                        d.first(),
                        d.second(),
                        d.mean(),
                        d.twoStandardErrors(),
                        d.exceedsTwoStandardErrors() ? " > 2 SE" : "",
                        d.differences()));
            }
        }
        return text.toString();
    }

    private static Map<Long, Double> finals(List<Run> runs, String metric) {
        Map<Long, Double> bySeed = new LinkedHashMap<>();
        runs.forEach(run -> bySeed.put(run.seed(), value(run.last(), metric)));
        return bySeed;
    }

    static double value(MetricsCsv.Row row, String metric) {
        return row.metrics().getOrDefault(metric, Double.NaN);
    }

    private static String meanSd(double[] values) {
        if (values.length == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.4f +- %.4f", PairedDifference.mean(values), PairedDifference.sd(values));
    }

    /** The curves of {@code metric} per arm as a PNG; empty where this Java cannot draw. */
    public static Optional<Path> plot(Map<String, List<Run>> byArm, String metric, Path file) throws IOException {
        return RunCurves.write(byArm, metric, file);
    }
}
