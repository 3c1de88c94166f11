package dev.fuseflow.trainer.offline;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.TrainingCheckpoint;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.eval.EvalReport;
import dev.fuseflow.trainer.eval.PreferenceEvaluator;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.objective.AlphaSchedule;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.report.MetricsCsv;
import dev.fuseflow.trainer.report.TrainingCurves;
import dev.fuseflow.trainer.tokenizer.ChatTemplate;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import dev.fuseflow.trainer.train.OptimizerStep;
import dev.fuseflow.trainer.train.PreferenceBatch;
import dev.fuseflow.trainer.train.SftStep;
import dev.fuseflow.trainer.train.UpdateSettings;
import dev.fuseflow.trainer.train.WrpoStep;
import dev.fuseflow.trainer.train.WrpoUpdate;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import me.tongfei.progressbar.ProgressBar;

/**
 * The paper's recipe on a file: SFT on y_ws for a share of the samples, then WRPO (or a baseline)
 * on the rest with the SFT model frozen as the reference. The run folder holds
 * {@code checkpoints/} (resumable), {@code reference-model/}, {@code model/} (the result, a
 * Hugging Face folder), {@code metrics-sft.csv}, {@code metrics-preference.csv} and
 * {@code plots/*.png}.
 */
public final class OfflineTraining {

    static final String CHECKPOINTS = "checkpoints";
    static final String REFERENCE = "reference-model";
    static final String FINAL = "model";
    static final String SFT_CSV = "metrics-sft.csv";
    static final String PREFERENCE_CSV = "metrics-preference.csv";
    static final String PLOTS = "plots";

    /** What a finished run produced. */
    public record Result(Path model, RunPosition position, Map<String, Double> lastMetrics, Optional<EvalReport> eval,
                         List<Path> plots, long truncatedSamples, long skippedUpdates) {
    }

    private final OfflineTrainingSettings settings;
    private final PrintWriter console;
    private final PrintStream progressOut;
    private final Path out;

    /**
     * @param console     the per-update metric lines and the summary
     * @param progressOut the progress bar
     */
    public OfflineTraining(OfflineTrainingSettings settings, PrintWriter console, PrintStream progressOut) {
        this.settings = settings;
        this.console = console;
        this.progressOut = progressOut;
        this.out = settings.output();
    }

    /** Runs to the end; with {@code resume}, continues from the run folder's newest checkpoint. */
    public Result run(boolean resume) throws IOException {
        List<WrpoExample> examples = WrpoExampleJsonl.read(settings.data());
        DataSplit split = DataSplit.of(examples, settings.sftFraction(), settings.objective(), settings.seed());
        CheckpointStore checkpoints = new CheckpointStore(out.resolve(CHECKPOINTS), settings.keepCheckpoints());
        Optional<Path> newest = checkpoints.newest();
        if (newest.isPresent() && !resume) {
            throw new IllegalStateException(out + " already holds checkpoints (newest " + newest.get().getFileName()
                    + "): pass --resume to continue that run, or choose an empty --output");
        }
        RunPosition position = newest.isPresent() ? TrainingCheckpoint.state(newest.get(), RunPosition.class)
                : RunPosition.start(split.sft().isEmpty() ? RunPosition.Stage.PREFERENCE : RunPosition.Stage.SFT);
        console.printf(Locale.ROOT, "%d samples from %s: %d for SFT on y_ws, %d for %s; %s%n", examples.size(), settings.data(),
                split.sft().size(), split.preference().size(), settings.objective(),
                newest.isPresent() ? "resuming from " + newest.get().getFileName() + " at " + position : "fresh start");
        ExecutorService preparation = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "batch-preparation");
            thread.setDaemon(true);
            return thread;
        });
        try (NDManager manager = settings.device().newManager();
             PromptResponseEncoder encoder = encoder(settings.model())) {
            Run run = new Run(manager, ModelDirectory.load(newest.orElse(settings.model()), manager, settings.precision().computeType()),
                    new PreferenceBatcher(encoder, settings.budget(), 0), preparation, checkpoints, newest, split);
            return run.toTheEnd(position);
        } finally {
            preparation.shutdownNow();
        }
    }

    static PromptResponseEncoder encoder(Path modelDir) throws IOException {
        var tokenizer = ModelDirectory.tokenizer(modelDir);
        return new PromptResponseEncoder(tokenizer, ChatTemplate.forTokenizer(tokenizer));
    }

    /** One run's live objects. */
    private final class Run {
        private final NDManager manager;
        private final CausalLanguageModel policy;
        private final PreferenceBatcher batcher;
        private final ExecutorService preparation;
        private final CheckpointStore checkpoints;
        private final Optional<Path> restoredFrom;
        private final DataSplit split;
        private final long sftUpdates;
        private Map<String, Double> lastMetrics = Map.of();
        private long skipped;

        Run(NDManager manager, CausalLanguageModel policy, PreferenceBatcher batcher, ExecutorService preparation,
            CheckpointStore checkpoints, Optional<Path> restoredFrom, DataSplit split) {
            this.manager = manager;
            this.policy = policy;
            this.batcher = batcher;
            this.preparation = preparation;
            this.checkpoints = checkpoints;
            this.restoredFrom = restoredFrom;
            this.split = split;
            this.sftUpdates = DataSplit.updates(split.sft().size(), settings.microBatchSize(), settings.accumulation(),
                    settings.sftEpochs());
            if (settings.budget().maxLength() > policy.contextLength()) {
                throw new IllegalArgumentException("--max-length " + settings.budget().maxLength() + " exceeds the model's context of "
                        + policy.contextLength() + " positions");
            }
        }

        Result toTheEnd(RunPosition start) throws IOException {
            RunPosition position = start;
            try (ProgressBar progress = Progress.bar("train", totalMicroBatches(), microBatchesBefore(start), progressOut)) {
                if (position.stage() == RunPosition.Stage.SFT) {
                    position = sftStage(position, progress);
                }
                if (position.stage() == RunPosition.Stage.PREFERENCE) {
                    position = preferenceStage(position, progress);
                }
            }
            CheckpointStore.writeAtomically(out.resolve(FINAL), folder -> ModelDirectory.save(policy, folder, settings.model()));
            Optional<EvalReport> eval = evaluate();
            List<Path> plots = plots();
            console.printf(Locale.ROOT, "done: model in %s, %d truncated samples, %d skipped updates, plots %s%n", out.resolve(FINAL),
                    batcher.truncatedSamples(), skipped, plots);
            eval.ifPresent(report -> console.println("eval: " + report.metrics()));
            return new Result(out.resolve(FINAL), position, lastMetrics, eval, plots, batcher.truncatedSamples(), skipped);
        }

        private RunPosition sftStage(RunPosition from, ProgressBar progress) throws IOException {
            SftStep sft = new SftStep(policy, manager, updateSettings(settings.sftLearningRate(), sftUpdates));
            restoreOptimizer(from, sft);
            MicroStep step = new MicroStep(sft, (batch, completedUpdates) -> {
                SftStep.Outcome outcome = sft.apply(batch.sourceChosen());
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("loss", outcome.loss());
                metrics.put("grad_norm", outcome.gradNorm());
                metrics.put("learning_rate", learningRate(settings.sftLearningRate(), sftUpdates, sft.optimizer()));
                metrics.put(MicroStep.TOKENS, (double) realTokens(List.of(batch.sourceChosen())));
                return metrics;
            });
            RunPosition end = runStage(RunPosition.Stage.SFT, split.sft(), settings.sftEpochs(), step, SFT_CSV, from, progress);
            CheckpointStore.writeAtomically(out.resolve(REFERENCE), folder -> ModelDirectory.save(policy, folder, settings.model()));
            boolean preferenceFollows = settings.objective() != Objective.SFT && !split.preference().isEmpty();
            RunPosition next = RunPosition.start(preferenceFollows ? RunPosition.Stage.PREFERENCE : RunPosition.Stage.DONE);
            checkpoint(next, sft, sftUpdates);
            skipped += end.skippedUpdates();
            return next;
        }

        private RunPosition preferenceStage(RunPosition from, ProgressBar progress) throws IOException {
            long updates = DataSplit.updates(split.preference().size(), settings.microBatchSize(), settings.accumulation(),
                    settings.epochs());
            CausalLanguageModel reference = ModelDirectory.load(referenceFolder(), manager, settings.precision().computeType());
            WrpoUpdate wrpo = WrpoUpdate.on(settings.device(), policy, reference, manager,
                    updateSettings(settings.learningRate(), updates));
            restoreOptimizer(from, wrpo);
            AlphaSchedule alpha = new AlphaSchedule(settings.effectiveAlphaFinal(),
                    settings.alphaRampUpdates() < 0 ? updates : settings.alphaRampUpdates());
            MicroStep step = new MicroStep(wrpo, (batch, completedUpdates) -> {
                WrpoStep.Outcome outcome = wrpo.apply(batch, alpha.alpha(completedUpdates), settings.beta());
                Map<String, Double> metrics = new LinkedHashMap<>(outcome.metrics());
                metrics.put("learning_rate", learningRate(settings.learningRate(), updates, wrpo.optimizer()));
                metrics.put(MicroStep.TOKENS, (double) realTokens(List.of(batch.sourceChosen(), batch.targetChosen(), batch.rejected())));
                return metrics;
            });
            RunPosition end = runStage(RunPosition.Stage.PREFERENCE, split.preference(), settings.epochs(), step, PREFERENCE_CSV,
                    from, progress);
            RunPosition done = RunPosition.start(RunPosition.Stage.DONE);
            checkpoint(done, wrpo, sftUpdates + updates);
            skipped += end.skippedUpdates();
            return done;
        }

        private RunPosition runStage(RunPosition.Stage stage, List<WrpoExample> examples, int epochs, MicroStep step, String csvName,
                                     RunPosition from, ProgressBar progress) throws IOException {
            StageLoop.Plan plan = new StageLoop.Plan(stage, examples, epochs, settings.microBatchSize(), settings.accumulation(),
                    settings.seed(), settings.checkpointEvery(), settings.logEvery());
            long offset = stage == RunPosition.Stage.SFT ? 0 : sftUpdates;
            try (MetricsCsv csv = MetricsCsv.continuing(out.resolve(csvName), from.microBatches())) {
                StageLoop loop = new StageLoop(plan, step, batcher, preparation, csv, progress, console);
                RunPosition end = loop.run(from, position -> checkpoint(position, step.step(), offset + position.updates()));
                lastMetrics = loop.lastMetrics();
                return end;
            }
        }

        private void checkpoint(RunPosition position, OptimizerStep step, long globalUpdates) throws IOException {
            checkpoints.write(globalUpdates, folder -> TrainingCheckpoint.write(folder, policy, settings.model(), step, position));
        }

        /** The optimizer's state continues only mid-stage; each stage starts its own AdamW. */
        private void restoreOptimizer(RunPosition from, OptimizerStep step) throws IOException {
            if (from.microBatches() > 0 && restoredFrom.isPresent()) {
                TrainingCheckpoint.restoreOptimizer(restoredFrom.get(), step);
            }
        }

        private Path referenceFolder() {
            Path sftModel = out.resolve(REFERENCE);
            return Files.isDirectory(sftModel) ? sftModel : settings.model();
        }

        private UpdateSettings updateSettings(double peak, long updates) {
            CosineWarmupSchedule schedule = new CosineWarmupSchedule(peak, 0.0, Math.round(updates * settings.warmupRatio()), updates);
            return new UpdateSettings(schedule, new AdamW.Settings(0.9, 0.999, 1e-8, settings.weightDecay()), settings.maxGradNorm(),
                    settings.accumulation(), settings.precision());
        }

        private double learningRate(double peak, long updates, AdamW optimizer) {
            return updateSettings(peak, updates).schedule().learningRate(Math.max(0, optimizer.step() - 1));
        }

        private long totalMicroBatches() {
            long sft = microBatchesPerEpoch(split.sft()) * settings.sftEpochs();
            return settings.objective() == Objective.SFT ? sft : sft + microBatchesPerEpoch(split.preference()) * settings.epochs();
        }

        private long microBatchesBefore(RunPosition position) {
            return switch (position.stage()) {
                case SFT -> position.microBatches();
                case PREFERENCE -> microBatchesPerEpoch(split.sft()) * settings.sftEpochs() + position.microBatches();
                case DONE -> totalMicroBatches();
            };
        }

        private long microBatchesPerEpoch(List<WrpoExample> examples) {
            return (examples.size() + settings.microBatchSize() - 1) / settings.microBatchSize();
        }

        private Optional<EvalReport> evaluate() throws IOException {
            if (settings.evalData() == null) {
                return Optional.empty();
            }
            boolean withReference = settings.objective() != Objective.SFT;
            CausalLanguageModel reference = withReference
                    ? ModelDirectory.load(referenceFolder(), manager, settings.precision().computeType()) : null;
            PreferenceEvaluator evaluator = new PreferenceEvaluator(policy, reference, manager, settings.effectiveAlphaFinal(),
                    settings.beta());
            return Optional.of(evaluator.evaluate(WrpoExampleJsonl.read(settings.evalData()), batcher, settings.microBatchSize()));
        }

        private List<Path> plots() throws IOException {
            List<Path> written = new ArrayList<>();
            written.addAll(curves(SFT_CSV, TrainingCurves.SFT_CHARTS));
            written.addAll(curves(PREFERENCE_CSV, TrainingCurves.WRPO_CHARTS));
            return written;
        }

        private List<Path> curves(String csvName, List<TrainingCurves.Chart> charts) throws IOException {
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

    static long realTokens(List<PreferenceBatch.Sequences> sequences) {
        long tokens = 0;
        for (PreferenceBatch.Sequences s : sequences) {
            for (long[] row : s.attention()) {
                for (long flag : row) {
                    tokens += flag;
                }
            }
        }
        return tokens;
    }
}
