package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.report.MetricsCsv;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import me.tongfei.progressbar.ProgressBar;

/**
 * Runs one stage over its epochs: the next micro-batch is tokenized on a background thread while
 * the model trains on the current one; every micro-batch adds a CSV row and moves the progress
 * bar; every {@code checkpointEvery} updates, and at the end, the position is checkpointed.
 */
final class StageLoop {

    /** Writes a checkpoint of the current weights and optimizer at a position. */
    @FunctionalInterface
    interface Checkpointer {
        void write(RunPosition position) throws IOException;
    }

    /** What stays fixed during a stage. */
    record Plan(RunPosition.Stage stage, List<WrpoExample> examples, int epochs, int microBatchSize, int accumulation, long seed,
                int checkpointEvery, int logEvery) {
    }

    private final Plan plan;
    private final MicroStep step;
    private final PreferenceBatcher batcher;
    private final Executor preparation;
    private final MetricsCsv csv;
    private final ProgressBar progress;
    private final PrintWriter console;
    private Map<String, Double> lastMetrics = Map.of();

    StageLoop(Plan plan, MicroStep step, PreferenceBatcher batcher, Executor preparation, MetricsCsv csv, ProgressBar progress,
              PrintWriter console) {
        this.plan = plan;
        this.step = step;
        this.batcher = batcher;
        this.preparation = preparation;
        this.csv = csv;
        this.progress = progress;
        this.console = console;
    }

    Map<String, Double> lastMetrics() {
        return lastMetrics;
    }

    /** Runs from {@code from} to the end of the stage; returns the position after its last micro-batch. */
    RunPosition run(RunPosition from, Checkpointer checkpointer) throws IOException {
        RunPosition position = from;
        for (int epoch = from.epoch(); epoch < plan.epochs(); epoch++) {
            List<List<WrpoExample>> microBatches = DataSplit.microBatches(plan.examples(), plan.seed(), epoch, plan.microBatchSize());
            int first = epoch == from.epoch() ? from.nextMicroBatch() : 0;
            CompletableFuture<PreferenceBatch> next = prepare(microBatches, first);
            for (int i = first; i < microBatches.size(); i++) {
                PreferenceBatch batch = next.join();
                if (i + 1 < microBatches.size()) {
                    next = prepare(microBatches, i + 1);
                }
                boolean cycleEnds = (i + 1) % plan.accumulation() == 0 || i + 1 == microBatches.size();
                position = train(batch, position, epoch, i, cycleEnds);
                boolean lastOfStage = epoch == plan.epochs() - 1 && i == microBatches.size() - 1;
                // The stage's last position is checkpointed by the caller, as the start of what follows.
                if (cycleEnds && !lastOfStage && position.updates() % plan.checkpointEvery() == 0) {
                    checkpointer.write(position);
                }
            }
        }
        return position;
    }

    private RunPosition train(PreferenceBatch batch, RunPosition before, int epoch, int index, boolean cycleEnds) {
        long started = System.nanoTime();
        Map<String, Double> metrics = new LinkedHashMap<>(step.trainer().apply(batch, before.updates()));
        if (cycleEnds && (index + 1) % plan.accumulation() != 0) {
            step.step().flushPending();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        metrics.put("tokens/s", metrics.remove(MicroStep.TOKENS) / seconds);
        metrics.put("samples/s", batch.size() / seconds);
        metrics.put("epoch", (double) epoch);
        RunPosition after = new RunPosition(plan.stage(), epoch, index + 1, before.updates() + (cycleEnds ? 1 : 0),
                before.microBatches() + 1, step.step().skippedUpdates());
        csv.append(after.microBatches(), plan.stage().name().toLowerCase(Locale.ROOT), metrics);
        lastMetrics = metrics;
        progress.step();
        progress.setExtraMessage(String.format(Locale.ROOT, " %s loss %.4f", plan.stage().name().toLowerCase(Locale.ROOT),
                metrics.get("loss")));
        if (cycleEnds && after.updates() % plan.logEvery() == 0) {
            console.println(line(after, metrics));
        }
        return after;
    }

    private CompletableFuture<PreferenceBatch> prepare(List<List<WrpoExample>> microBatches, int index) {
        if (index >= microBatches.size()) {
            return CompletableFuture.completedFuture(null);
        }
        List<WrpoExample> examples = microBatches.get(index);
        return CompletableFuture.supplyAsync(() -> batcher.batch(examples), preparation);
    }

    private String line(RunPosition position, Map<String, Double> metrics) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "[%s] update %d", plan.stage().name().toLowerCase(Locale.ROOT),
                position.updates()));
        metrics.forEach((name, value) -> text.append(' ').append(name).append('=').append(String.format(Locale.ROOT, "%.5g", value)));
        return text.toString();
    }
}
