package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.local.demo.DemoComparison.Run;
import dev.fuseflow.trainer.report.PairedDifference;
import java.awt.AWTError;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The comparison's plot: held-out reward over the demo's minutes, one line per arm (the mean over its seeds of the
 * version each seed was serving at that moment) with dashed lines at ± one standard deviation across seeds, and
 * a vertical mark where the arm's seeds left SFT on average; one panel for the mean over skills, one for add
 * (the skill the hypothesis is about).
 */
final class HeldOutOverTime {

    private static final Logger LOG = LoggerFactory.getLogger(HeldOutOverTime.class);
    private static final double STEP_SECONDS = 10;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)
    };

    /** One arm's band on the time grid. */
    record Band(double[] minutes, double[] mean, double[] sd) {}

    private HeldOutOverTime() {}

    /** The reward of the version being served at {@code seconds}: the last one measured at or before it. */
    static double servedAt(List<LearningBoard.Row> served, double seconds, ToDoubleFunction<LearningBoard.Row> reward) {
        double value = Double.NaN;
        for (LearningBoard.Row row : served) {
            if (row.seconds() > seconds) {
                break;
            }
            value = reward.applyAsDouble(row);
        }
        return value;
    }

    /** Mean and sd over {@code runs} (one arm's seeds) every {@value #STEP_SECONDS} s up to {@code seconds}. */
    static Band band(List<Run> runs, double seconds, ToDoubleFunction<LearningBoard.Row> reward) {
        int points = (int) Math.floor(seconds / STEP_SECONDS) + 1;
        double[] minutes = new double[points];
        double[] mean = new double[points];
        double[] sd = new double[points];
        for (int i = 0; i < points; i++) {
            double t = i * STEP_SECONDS;
            double[] values = runs.stream()
                    .mapToDouble(run -> servedAt(run.served(), t, reward))
                    .filter(Double::isFinite)
                    .toArray();
            minutes[i] = t / 60;
            mean[i] = PairedDifference.mean(values);
            sd[i] = PairedDifference.sd(values);
        }
        return new Band(minutes, mean, sd);
    }

    /** Writes {@code held-out-over-time.png}; returns it, or nothing where this Java cannot draw. */
    static List<Path> write(Path directory, List<Run> runs, double seconds) throws IOException {
        Map<String, List<Run>> byArm = ComparisonReport.byArm(runs);
        List<XYChart> panels = List.of(
                panel(
                        "Held-out reward, mean over skills",
                        byArm,
                        seconds,
                        row -> row.reward().mean()),
                panel(
                        "Held-out reward on add",
                        byArm,
                        seconds,
                        row -> row.reward().perSkill().getOrDefault(Skill.ADD, Double.NaN)));
        Files.createDirectories(directory);
        Path file = directory.resolve("held-out-over-time.png");
        try {
            BitmapEncoder.saveBitmap(panels, 2, 1, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return List.of(file);
        } catch (LinkageError | AWTError e) {
            // As TrainingCurves: a Java without font libraries cannot draw; comparison-versions.csv has the points.
            LOG.warn("Cannot draw {} on this Java ({}); the points are in comparison-versions.csv", file, e.toString());
            Files.deleteIfExists(file);
            return List.of();
        }
    }

    private static XYChart panel(
            String title, Map<String, List<Run>> byArm, double seconds, ToDoubleFunction<LearningBoard.Row> reward) {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(450)
                .title(title)
                .xAxisTitle("minutes since the demo started (dashed: ± 1 sd over seeds; dotted: switch to preference)")
                .yAxisTitle("held-out reward")
                .build();
        int index = 0;
        for (Map.Entry<String, List<Run>> arm : byArm.entrySet()) {
            Color color = COLORS[index++ % COLORS.length];
            Band band = band(arm.getValue(), seconds, reward);
            int seeds = arm.getValue().size();
            line(
                            chart,
                            arm.getKey() + " (" + seeds + (seeds == 1 ? " seed)" : " seeds)"),
                            band.minutes(),
                            band.mean(),
                            color)
                    .setShowInLegend(true);
            double[] upper = new double[band.mean().length];
            double[] lower = new double[band.mean().length];
            for (int i = 0; i < upper.length; i++) {
                upper[i] = band.mean()[i] + band.sd()[i];
                lower[i] = band.mean()[i] - band.sd()[i];
            }
            line(chart, arm.getKey() + " +sd", band.minutes(), upper, color).setLineStyle(SeriesLines.DASH_DASH);
            line(chart, arm.getKey() + " -sd", band.minutes(), lower, color).setLineStyle(SeriesLines.DASH_DASH);
            double switchMinutes = PairedDifference.mean(arm.getValue().stream()
                            .mapToDouble(Run::preferenceStageSeconds)
                            .filter(Double::isFinite)
                            .toArray())
                    / 60;
            if (Double.isFinite(switchMinutes)) {
                line(
                                chart,
                                arm.getKey() + " switch",
                                new double[] {switchMinutes, switchMinutes},
                                new double[] {0, 1},
                                color)
                        .setLineStyle(SeriesLines.DOT_DOT);
            }
        }
        return chart;
    }

    private static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setShowInLegend(false);
        return series;
    }
}
