package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.eval.CandidateScore;
import dev.fuseflow.trainer.report.MetricsCsv;
import dev.fuseflow.trainer.report.Progress;
import dev.fuseflow.trainer.report.TrainingCurves;
import dev.fuseflow.trainer.training.Objective;
import dev.fuseflow.trainer.training.PreferenceObjective;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunLimits;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.Stage;
import dev.fuseflow.trainer.training.StagePlan;
import dev.fuseflow.trainer.training.TrainingLoop;
import dev.fuseflow.trainer.training.TrainingRecipe;
import dev.fuseflow.trainer.training.TrainingSetup;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;

/**
 * The paper's recipe on a file, through the training core: SFT on y_ws for a share of the samples,
 * then WRPO (or a baseline) on the rest with the SFT model frozen as the reference. The run folder
 * holds {@code checkpoints/} (resumable), {@code reference-model/}, {@code model/} (the result, a
 * Hugging Face folder), {@code metrics-sft.csv}, {@code metrics-preference.csv} and
 * {@code plots/*.png}.
 */
public final class OfflineTraining {

    static final String FINAL = "model";
    static final String PLOTS = "plots";

    /** What a finished run produced. */
    public record Result(
            Path model,
            RunState state,
            Map<String, Double> lastMetrics,
            Map<String, Double> eval,
            List<Path> plots,
            long truncatedSamples) {}

    private final OfflineTrainingSettings settings;
    private final TrainingSetup setup;
    private final PrintWriter console;
    private final PrintStream progressOut;

    /**
     * @param setup       what the file trains and how
     * @param console     the per-update metric lines and the summary
     * @param progressOut the progress bar
     */
    public OfflineTraining(
            OfflineTrainingSettings settings, TrainingSetup setup, PrintWriter console, PrintStream progressOut) {
        this.settings = settings;
        this.setup = setup;
        this.console = console;
        this.progressOut = progressOut;
    }

    /** Runs to the end; with {@code resume}, continues from the run folder's newest checkpoint. */
    public Result run(boolean resume) throws IOException {
        List<WrpoExample> examples = WrpoExampleJsonl.read(settings.data());
        TrainingSetup run = setup;
        Objective objective = run.recipe().preference().objective();
        settings.requireFits(objective);
        DataSplit split = DataSplit.of(examples, settings.sftFraction(), objective, settings.seed());
        StagePlan plan = plan(split, run.recipe());
        Path out = run.output();
        TrainingLoop.StartPoint start = TrainingLoop.StartPoint.of(run, plan);
        if (start.checkpoint().isPresent() && !resume) {
            throw new IllegalStateException(out + " already holds checkpoints (newest "
                    + start.checkpoint().get().getFileName()
                    + "): pass --resume to continue that run, or choose an empty --output");
        }
        printStart(examples.size(), split, objective, start);
        int microBatch = run.recipe().microBatch();
        long total = microBatches(split.sft(), microBatch) * settings.sftEpochs()
                + (objective == Objective.SFT ? 0 : microBatches(split.preference(), microBatch) * settings.epochs());
        FileFeed feed = new FileFeed(
                split, settings.sftEpochs(), settings.epochs(), microBatch, settings.seed(), start.state());
        Optional<PeriodicEvaluation> evaluation = evaluation(run, start.state());
        try (ProgressBar progress = Progress.bar(
                        "train",
                        "batches",
                        total,
                        microBatchesBefore(start.state(), split, microBatch, total),
                        progressOut);
                FileReport report = new FileReport(out, console, progress, settings.logEvery(), start.state());
                Closeable closeEvaluation = () -> evaluation.ifPresent(PeriodicEvaluation::close);
                TrainingLoop loop = TrainingLoop.open(
                        run,
                        plan,
                        start,
                        feed,
                        evaluation.<Publication>map(e -> e).orElse(Publication.none()),
                        report)) {
            if (start.checkpoint().isPresent() && evaluation.isPresent()) {
                // An evaluation the previous attempt checkpointed for but did not finish.
                evaluation.get().catchUp(loop);
            }
            loop.run(RunLimits.NONE);
            report.close();
            return finish(loop, report, evaluation);
        }
    }

    /** The final evaluation, model/, the plots and the summary line. */
    private Result finish(TrainingLoop loop, FileReport report, Optional<PeriodicEvaluation> evaluation)
            throws IOException {
        Path out = setup.output();
        // Scored before model/ is written: a run folder with model/ has its final row.
        Map<String, Double> eval = evaluation.isPresent() ? evaluation.get().evaluateFinal(loop) : Map.of();
        CheckpointStore.writeAtomically(out.resolve(FINAL), loop::writeVersion);
        List<Path> plots = plots(out);
        console.printf(
                Locale.ROOT,
                "done: model in %s, %d truncated samples, %d skipped updates, plots %s%n",
                out.resolve(FINAL),
                loop.batcher().truncatedSamples(),
                loop.skippedUpdates(),
                plots);
        if (!eval.isEmpty()) {
            console.println("eval: " + eval);
        }
        return new Result(
                out.resolve(FINAL),
                loop.state(),
                report.lastMetrics(),
                eval,
                plots,
                loop.batcher().truncatedSamples());
    }

    private void printStart(int examples, DataSplit split, Objective objective, TrainingLoop.StartPoint start) {
        console.printf(
                Locale.ROOT,
                "%d samples from %s: %d for SFT on y_ws, %d for %s; %s%n",
                examples,
                settings.data(),
                split.sft().size(),
                split.preference().size(),
                objective,
                start.checkpoint().isPresent()
                        ? "resuming from " + start.checkpoint().get().getFileName() + " at " + start.state()
                        : "fresh start");
    }

    /** SFT then the preference stage, each counted in updates of its share of the data. */
    private StagePlan plan(DataSplit split, TrainingRecipe recipe) {
        int microBatch = recipe.microBatch();
        int accumulation = recipe.optimization().accumulation();
        long sftUpdates = DataSplit.updates(split.sft().size(), microBatch, accumulation, settings.sftEpochs());
        long preferenceUpdates =
                DataSplit.updates(split.preference().size(), microBatch, accumulation, settings.epochs());
        boolean preferenceFollows = recipe.preference().objective() != Objective.SFT
                && !split.preference().isEmpty();
        return new StagePlan(
                split.sft().isEmpty() ? Stage.PREFERENCE : Stage.SFT,
                StagePlan.Length.updates(sftUpdates),
                preferenceFollows ? Stage.PREFERENCE : Stage.DONE,
                StagePlan.Length.updates(preferenceUpdates));
    }

    private static long microBatches(List<WrpoExample> examples, int microBatch) {
        return (examples.size() + microBatch - 1) / microBatch;
    }

    private long microBatchesBefore(RunState state, DataSplit split, int microBatch, long total) {
        return switch (state.stage()) {
            case SFT -> state.stageMicroBatches();
            case PREFERENCE -> microBatches(split.sft(), microBatch) * settings.sftEpochs() + state.stageMicroBatches();
            case DONE -> total;
        };
    }

    /** The held-out scoring of {@code --eval-data}, if given: the end, and every {@code --eval-every} updates. */
    private Optional<PeriodicEvaluation> evaluation(TrainingSetup run, RunState start) throws IOException {
        OfflineEvaluation plan = settings.evaluation();
        if (plan.data().isEmpty()) {
            return Optional.empty();
        }
        PreferenceObjective preference = run.recipe().preference();
        CandidateScore scoring = new CandidateScore(
                preference.effectiveAlphaFinal(),
                preference.beta(),
                plan.plugins(),
                run.recipe().microBatch());
        return Optional.of(new PeriodicEvaluation(
                WrpoExampleJsonl.read(plan.data().get()), plan.every(), scoring, run.output(), start, console));
    }

    private static List<Path> plots(Path out) throws IOException {
        List<Path> written = new ArrayList<>();
        written.addAll(curves(out, FileReport.csvName(Stage.SFT), TrainingCurves.SFT_CHARTS));
        written.addAll(curves(out, FileReport.csvName(Stage.PREFERENCE), TrainingCurves.WRPO_CHARTS));
        written.addAll(PeriodicEvaluation.plot(out, out.resolve(PLOTS)));
        return written;
    }

    private static List<Path> curves(Path out, String csvName, List<TrainingCurves.Chart> charts) throws IOException {
        Path csv = out.resolve(csvName);
        if (!Files.exists(csv)) {
            return List.of();
        }
        TrainingCurves curves = new TrainingCurves();
        for (MetricsCsv.Row row : MetricsCsv.read(csv)) {
            curves.record(row.step(), row.metrics());
        }
        return curves.write(out.resolve(PLOTS), charts);
    }
}
