package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.offline.RunComparison.Run;
import dev.fuseflow.trainer.report.BandChart;
import dev.fuseflow.trainer.report.MetricsCsv;
import dev.fuseflow.trainer.report.PairedDifference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The held-out curve of each arm over updates: a {@link BandChart} over the evaluated updates of its seeds. */
final class RunCurves {

    private RunCurves() {}

    /** Writes the chart of {@code metric} to {@code file}; empty where this Java cannot draw. */
    static Optional<Path> write(Map<String, List<Run>> byArm, String metric, Path file) throws IOException {
        List<BandChart.Band> bands = new ArrayList<>();
        byArm.forEach((arm, runs) -> band(arm, runs, metric).ifPresent(bands::add));
        return BandChart.save(
                List.of(BandChart.panel(
                        "Held-out " + metric + " by arm (mean over seeds)", "update", metric, 500, bands)),
                1,
                file);
    }

    /** Mean and sd over the arm's seeds at each update where any of them was evaluated; empty if none was. */
    static Optional<BandChart.Band> band(String arm, List<Run> runs, String metric) {
        Map<Long, List<Double>> byStep = new TreeMap<>();
        for (Run run : runs) {
            for (MetricsCsv.Row row : run.rows()) {
                double value = RunComparison.value(row, metric);
                if (Double.isFinite(value)) {
                    byStep.computeIfAbsent(row.step(), k -> new ArrayList<>()).add(value);
                }
            }
        }
        if (byStep.isEmpty()) {
            return Optional.empty();
        }
        double[] steps = byStep.keySet().stream().mapToDouble(Long::doubleValue).toArray();
        double[] mean = new double[steps.length];
        double[] sd = new double[steps.length];
        int i = 0;
        for (List<Double> values : byStep.values()) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
            mean[i] = PairedDifference.mean(v);
            sd[i++] = PairedDifference.sd(v);
        }
        double switchAt = PairedDifference.mean(runs.stream()
                .flatMap(run -> run.endOfSft().stream())
                .mapToDouble(MetricsCsv.Row::step)
                .toArray());
        return Optional.of(new BandChart.Band(arm, runs.size(), steps, mean, sd, switchAt));
    }
}
