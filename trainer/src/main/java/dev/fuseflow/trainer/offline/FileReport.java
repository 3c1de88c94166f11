package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.report.MetricsCsv;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.Stage;
import dev.fuseflow.trainer.training.StepReport;
import dev.fuseflow.trainer.training.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * What a run on a file shows: one CSV row per micro-batch in the stage's metrics file, the
 * progress bar, and a metrics line every {@code logEvery} updates on the console.
 */
final class FileReport implements TrainingListener, AutoCloseable {

    private final Path output;
    private final PrintWriter console;
    private final ProgressBar progress;
    private final int logEvery;
    private Stage csvStage;
    private MetricsCsv csv;
    private long loggedAt = -1;
    private Map<String, Double> lastMetrics = Map.of();

    /** @param start where the run resumes: the CSV of its stage continues after the micro-batches it already holds */
    FileReport(Path output, PrintWriter console, ProgressBar progress, int logEvery, RunState start) {
        this.output = output;
        this.console = console;
        this.progress = progress;
        this.logEvery = logEvery;
        if (start.stage() != Stage.DONE) {
            open(start.stage(), start.stageMicroBatches());
        }
    }

    static String csvName(Stage stage) {
        return "metrics-" + stage.label() + ".csv";
    }

    Map<String, Double> lastMetrics() {
        return lastMetrics;
    }

    @Override
    public void trained(RunState after, StepReport report) {
        if (after.stage() != csvStage) {
            open(after.stage(), 0);
        }
        Map<String, Double> metrics = new LinkedHashMap<>(report.metrics());
        metrics.put("tokens/s", report.tokens() / report.seconds());
        metrics.put("samples/s", report.samples() / report.seconds());
        metrics.put("epoch", (double) after.position().epoch());
        csv.append(after.stageMicroBatches(), after.stage().label(), metrics);
        lastMetrics = metrics;
        progress.step();
        progress.setExtraMessage(
                String.format(Locale.ROOT, " %s loss %.4f", after.stage().label(), metrics.get("loss")));
        if (after.stageUpdates() != loggedAt && after.stageUpdates() % logEvery == 0 && after.stageUpdates() > 0) {
            loggedAt = after.stageUpdates();
            console.println(line(after, metrics));
        }
    }

    private void open(Stage stage, long keptRows) {
        close();
        try {
            csv = MetricsCsv.continuing(output.resolve(csvName(stage)), keptRows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot continue " + output.resolve(csvName(stage)), e);
        }
        csvStage = stage;
        loggedAt = -1;
    }

    private static String line(RunState state, Map<String, Double> metrics) {
        StringBuilder text = new StringBuilder(
                String.format(Locale.ROOT, "[%s] update %d", state.stage().label(), state.stageUpdates()));
        metrics.forEach((name, value) ->
                text.append(' ').append(name).append('=').append(String.format(Locale.ROOT, "%.5g", value)));
        return text.toString();
    }

    @Override
    public void close() {
        if (csv != null) {
            csv.close();
            csv = null;
        }
    }
}
