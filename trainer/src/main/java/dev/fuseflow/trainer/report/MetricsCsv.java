package dev.fuseflow.trainer.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** One row read back: its step, its stage and its metrics (NaN where the cell was empty). */
    public record Row(long step, String stage, Map<String, Double> metrics) {}

    public MetricsCsv(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file, e);
        }
    }

    /**
     * Reopens the CSV of a run that resumes from a checkpoint at {@code lastKeptStep}: rows of later
     * steps (written before a crash, about to be trained again) are dropped, and new rows follow.
     */
    public static MetricsCsv continuing(Path file, long lastKeptStep) throws IOException {
        List<Row> kept = Files.exists(file)
                ? read(file).stream().filter(r -> r.step() <= lastKeptStep).toList()
                : List.of();
        MetricsCsv csv = new MetricsCsv(file);
        for (Row row : kept) {
            csv.append(row.step(), row.stage(), row.metrics());
        }
        return csv;
    }

    /** Every row of a CSV this class wrote. */
    public static List<Row> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.get(0).split(",", -1);
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != header.length) {
                throw new IOException(
                        file + ":" + (i + 1) + ": " + cells.length + " cells, the header has " + header.length);
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int c = 2; c < header.length; c++) {
                metrics.put(header[c], cells[c].isEmpty() ? Double.NaN : Double.parseDouble(cells[c]));
            }
            rows.add(new Row(Long.parseLong(cells[0]), cells[1], metrics));
        }
        return rows;
    }

    public void append(long step, String stage, Map<String, Double> metrics) {
        if (columns == null) {
            columns = new ArrayList<>(metrics.keySet());
            write("step,stage," + String.join(",", columns));
        } else if (!columns.equals(new ArrayList<>(metrics.keySet()))) {
            throw new IllegalArgumentException(
                    "metrics of step " + step + " are " + metrics.keySet() + " but the CSV's columns are " + columns);
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
