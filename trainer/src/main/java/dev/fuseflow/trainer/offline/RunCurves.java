package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.offline.RunComparison.Run;
import dev.fuseflow.trainer.report.MetricsCsv;
import dev.fuseflow.trainer.report.PairedDifference;
import java.awt.AWTError;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The held-out curve of each arm over updates: the mean over its seeds at each evaluated update, dashed at ± one
 * standard deviation, a dotted mark where the arm's preference stage began.
 */
final class RunCurves {

    private static final Logger LOG = LoggerFactory.getLogger(RunCurves.class);
    private static final Color[] COLORS = {
        new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C), new Color(0x9467BD), new Color(0xFF7F0E)
    };

    private RunCurves() {}

    /** Writes the chart of {@code metric} to {@code file}; empty where this Java cannot draw. */
    static Optional<Path> write(Map<String, List<Run>> byArm, String metric, Path file) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(500)
                .title("Held-out " + metric + " by arm (mean over seeds)")
                .xAxisTitle("update (dashed: ± 1 sd over seeds; dotted: the preference stage begins)")
                .yAxisTitle(metric)
                .build();
        int index = 0;
        for (Map.Entry<String, List<Run>> arm : byArm.entrySet()) {
            Color color = COLORS[index++ % COLORS.length];
            Map<Long, List<Double>> byStep = new TreeMap<>();
            for (Run run : arm.getValue()) {
                for (MetricsCsv.Row row : run.rows()) {
                    double value = RunComparison.value(row, metric);
                    if (Double.isFinite(value)) {
                        byStep.computeIfAbsent(row.step(), k -> new ArrayList<>())
                                .add(value);
                    }
                }
            }
            if (byStep.isEmpty()) {
                continue;
            }
            double[] steps =
                    byStep.keySet().stream().mapToDouble(Long::doubleValue).toArray();
            double[] mean = new double[steps.length];
            double[] upper = new double[steps.length];
            double[] lower = new double[steps.length];
            int i = 0;
            for (List<Double> values : byStep.values()) {
                double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
                mean[i] = PairedDifference.mean(v);
                upper[i] = mean[i] + PairedDifference.sd(v);
                lower[i] = mean[i] - PairedDifference.sd(v);
                i++;
            }
            int seeds = arm.getValue().size();
            line(chart, arm.getKey() + " (" + seeds + (seeds == 1 ? " seed)" : " seeds)"), steps, mean, color)
                    .setShowInLegend(true);
            line(chart, arm.getKey() + " +sd", steps, upper, color).setLineStyle(SeriesLines.DASH_DASH);
            line(chart, arm.getKey() + " -sd", steps, lower, color).setLineStyle(SeriesLines.DASH_DASH);
            markSwitch(chart, arm.getKey(), arm.getValue(), color);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return Optional.of(file);
        } catch (LinkageError | AWTError e) {
            // As TrainingCurves: a Java without font libraries cannot draw; the table has the figures.
            LOG.warn("Cannot draw {} on this Java ({})", file, e.toString());
            Files.deleteIfExists(file);
            return Optional.empty();
        }
    }

    /** A dotted vertical line at the mean update where the arm's preference stage began, if it has one. */
    private static void markSwitch(XYChart chart, String arm, List<Run> runs, Color color) {
        double[] switches = runs.stream()
                .flatMap(run -> run.endOfSft().stream())
                .mapToDouble(MetricsCsv.Row::step)
                .toArray();
        if (switches.length > 0) {
            double at = PairedDifference.mean(switches);
            line(chart, arm + " switch", new double[] {at, at}, new double[] {0, 1}, color)
                    .setLineStyle(SeriesLines.DOT_DOT);
        }
    }

    private static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setShowInLegend(false);
        return series;
    }
}
