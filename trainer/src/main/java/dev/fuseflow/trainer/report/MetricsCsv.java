package dev.fuseflow.trainer.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One CSV row per step: {@code step,stage,} then the metric names of the first row, in their order.
 * Every row is flushed, so a run that dies leaves every finished step on disk; a row whose names
 * differ from the header's is refused rather than written under the wrong columns.
 */
public final class MetricsCsv implements AutoCloseable {

    private final BufferedWriter out;
    private List<String> columns;

    public MetricsCsv(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file, e);
        }
    }

    public void append(long step, String stage, Map<String, Double> metrics) {
        if (columns == null) {
            columns = new ArrayList<>(metrics.keySet());
            write("step,stage," + String.join(",", columns));
        } else if (!columns.equals(new ArrayList<>(metrics.keySet()))) {
            throw new IllegalArgumentException("metrics of step " + step + " are " + metrics.keySet()
                    + " but the CSV's columns are " + columns);
        }
        StringBuilder row = new StringBuilder().append(step).append(',').append(stage);
        for (String column : columns) {
            double value = metrics.get(column);
            row.append(',').append(Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.8g", value));
        }
        write(row.toString());
    }

    private void write(String line) {
        try {
            out.write(line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the metrics CSV", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the metrics CSV", e);
        }
    }
}
