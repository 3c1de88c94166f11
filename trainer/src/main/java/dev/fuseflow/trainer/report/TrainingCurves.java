package dev.fuseflow.trainer.report;

import java.awt.AWTError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects metric values per step and draws them as PNG line charts with XChart, one file per
 * chart (loss, reward margin, accuracy by default), each chart holding one or more series. NaN
 * values (a metric a step did not produce) are left out of the line.
 */
public final class TrainingCurves {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingCurves.class);

    /** A PNG to draw: file name (without .png), title, and the metric names plotted together. */
    public record Chart(String file, String title, List<String> metrics) {}

    public static final List<Chart> WRPO_CHARTS = List.of(
            new Chart("loss", "WRPO loss", List.of("loss")),
            new Chart(
                    "reward-margin",
                    "Reward margin (beta-scaled)",
                    List.of("rewards/margins", "rewards/chosen", "rewards/rejected")),
            new Chart(
                    "accuracy",
                    "Preference accuracy",
                    List.of("rewards/accuracies", "rewards/source_accuracies", "rewards/target_accuracies")));

    /** The SFT stage's curve. */
    public static final List<Chart> SFT_CHARTS =
            List.of(new Chart("sft-loss", "SFT loss (mean token NLL of y_ws)", List.of("loss")));

    private final Map<String, List<double[]>> points = new LinkedHashMap<>();
    private final String xAxis;

    /** Curves over optimizer steps. */
    public TrainingCurves() {
        this("step");
    }

    /** Curves over another x axis, e.g. model versions. */
    public TrainingCurves(String xAxis) {
        this.xAxis = xAxis;
    }

    public void record(long step, Map<String, Double> metrics) {
        metrics.forEach((name, value) -> {
            if (!Double.isNaN(value)) {
                points.computeIfAbsent(name, n -> new ArrayList<>()).add(new double[] {step, value});
            }
        });
    }

    /** Writes one PNG per chart that has at least one point; returns the files written. */
    public List<Path> write(Path directory, List<Chart> charts) throws IOException {
        return write(directory, charts, null);
    }

    /**
     * Writes one PNG per chart, a chart without points too: empty, its title followed by {@code whyEmpty} (a file that
     * a reader was promised says why it shows nothing, e.g. that the run never reached WRPO).
     */
    public List<Path> writeAll(Path directory, List<Chart> charts, String whyEmpty) throws IOException {
        return write(directory, charts, whyEmpty);
    }

    private List<Path> write(Path directory, List<Chart> charts, String whyEmpty) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        for (Chart chart : charts) {
            XYChart xy = new XYChartBuilder()
                    .width(800)
                    .height(500)
                    .title(chart.title())
                    .xAxisTitle(xAxis)
                    .build();
            boolean any = false;
            for (String metric : chart.metrics()) {
                List<double[]> series = points.get(metric);
                if (series == null) {
                    continue;
                }
                double[] steps = series.stream().mapToDouble(p -> p[0]).toArray();
                double[] values = series.stream().mapToDouble(p -> p[1]).toArray();
                xy.addSeries(metric, steps, values).setMarker(SeriesMarkers.NONE);
                any = true;
            }
            if (!any && whyEmpty != null) {
                xy.setTitle(chart.title() + ": " + whyEmpty);
                xy.addSeries("(none)", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
                any = true;
            }
            if (any) {
                Path file = directory.resolve(chart.file() + ".png");
                try {
                    BitmapEncoder.saveBitmap(xy, file.toString(), BitmapEncoder.BitmapFormat.PNG);
                    written.add(file);
                } catch (LinkageError | AWTError e) {
                    // A Java without its font libraries (a slim runtime on a host without libharfbuzz or
                    // fontconfig) cannot draw; the numbers are in the CSV files, so training goes on.
                    LOG.warn(
                            "Cannot draw {} on this Java ({}); the figures are in the run's CSV files",
                            file,
                            e.toString());
                    Files.deleteIfExists(file);
                    return written;
                }
            }
        }
        return written;
    }
}
