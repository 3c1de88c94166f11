package dev.fuseflow.trainer.report;

import java.awt.AWTError;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chart every arm comparison draws: per arm, its mean over seeds as a solid line, dashed lines at ± one standard
 * deviation, and a dotted vertical mark where the arm's preference stage began on average.
 */
public final class BandChart {

    private static final Logger LOG = LoggerFactory.getLogger(BandChart.class);
    private static final Color[] COLORS = {
        new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C), new Color(0x9467BD), new Color(0xFF7F0E)
    };

    /**
     * One arm: {@code x}, {@code mean} and {@code sd} of equal length; {@code switchAt} is where its preference stage
     * began on the x axis, NaN where it has none.
     */
    public record Band(String arm, int seeds, double[] x, double[] mean, double[] sd, double switchAt) {

        public Band {
            if (x.length != mean.length || x.length != sd.length) {
                throw new IllegalArgumentException("band of " + arm + ": x, mean and sd differ in length (" + x.length
                        + ", " + mean.length + ", " + sd.length + ")");
            }
        }
    }

    private BandChart() {}

    /** One panel with a band per arm, in the order given. */
    public static XYChart panel(String title, String xAxis, String yAxis, int height, List<Band> bands) {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(height)
                .title(title)
                .xAxisTitle(xAxis + " (dashed: ± 1 sd over seeds; dotted: the preference stage begins)")
                .yAxisTitle(yAxis)
                .build();
        for (int index = 0; index < bands.size(); index++) {
            Band band = bands.get(index);
            Color color = COLORS[index % COLORS.length];
            String seeds = band.seeds() + (band.seeds() == 1 ? " seed" : " seeds");
            line(chart, band.arm() + " (" + seeds + ")", band.x(), band.mean(), color)
                    .setShowInLegend(true);
            line(chart, band.arm() + " +sd", band.x(), offset(band, 1), color).setLineStyle(SeriesLines.DASH_DASH);
            line(chart, band.arm() + " -sd", band.x(), offset(band, -1), color).setLineStyle(SeriesLines.DASH_DASH);
            if (Double.isFinite(band.switchAt())) {
                double at = band.switchAt();
                line(chart, band.arm() + " switch", new double[] {at, at}, new double[] {0, 1}, color)
                        .setLineStyle(SeriesLines.DOT_DOT);
            }
        }
        return chart;
    }

    /**
     * Writes {@code panels} side by side, {@code columns} to a row, as one PNG; empty where this Java cannot draw (as
     * {@link TrainingCurves}: a Java without font libraries; the caller's table or CSV has the figures).
     */
    public static Optional<Path> save(List<XYChart> panels, int columns, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        int rows = (panels.size() + columns - 1) / columns;
        try {
            BitmapEncoder.saveBitmap(panels, rows, columns, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return Optional.of(file);
        } catch (LinkageError | AWTError e) {
            LOG.warn("Cannot draw {} on this Java ({})", file, e.toString());
            Files.deleteIfExists(file);
            return Optional.empty();
        }
    }

    private static double[] offset(Band band, int sign) {
        double[] y = new double[band.mean().length];
        for (int i = 0; i < y.length; i++) {
            y[i] = band.mean()[i] + sign * band.sd()[i];
        }
        return y;
    }

    private static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setShowInLegend(false);
        return series;
    }
}
