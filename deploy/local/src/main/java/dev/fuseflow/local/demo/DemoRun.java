package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.SkillTaskReward;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.cli.Running;
import dev.fuseflow.trainer.cli.ServeCommand;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.publish.EvalBucket;
import dev.fuseflow.trainer.report.TrainingCurves;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The closed loop on a running stack: the trainer service ({@code serve}, in this JVM, on a fresh
 * tiny model), the demo app feeding it (with the sources chosen, {@link DemoSources}), and the live view; at the end the learning result,
 * freshness and plots in {@code <data>/demo}.
 */
public final class DemoRun {

    /**
     * What the demo showed.
     *
     * @param target                  every served target version, the start model first
     * @param preferenceStageSeconds  when the live view first saw the trainer in the preference stage (demo clock,
     *                                seconds); NaN when it never left SFT
     */
    public record Result(
            List<LearningBoard.Row> target,
            double preferenceStageSeconds,
            double bestSourceMean,
            List<Double> freshnessSeconds,
            long events,
            long samples,
            long deadLetters,
            List<Path> files) {

        public double startMean() {
            return target.get(0).reward().mean();
        }

        public double newestMean() {
            return newest().reward().mean();
        }

        public LearningBoard.Row newest() {
            return target.get(target.size() - 1);
        }

        /** Percentile p (0-100) of freshness, NaN when no sample reached a published version. */
        public double freshness(double p) {
            if (freshnessSeconds.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = freshnessSeconds.stream().sorted().toList();
            return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
        }
    }

    /** Eval bucket of the demo's trainer: this percent of samples never trains and gates candidates. */
    public static final int EVAL_BUCKET_PERCENT = 5;

    private static final String MODEL = "target";

    /** The demo's trainer: a tiny model learning fast from a busy stream on two cores. */
    private static final String SERVE_OPTIONS = """
            --micro-batch 32 --max-wait 1s --sft-samples 15000 --sft-dedupe-window 20000 --sft-lr 3e-3 --lr 5e-5
            --schedule-updates 1800 --beta 0.1 --alpha 0.1 --alpha-ramp 100 --max-length 64 --max-prompt-length 48
            --checkpoint-every 50 --eval-every 60 --eval-interval 20s --gate-lower-is-better= --gate-tolerance 0
            --metrics-port 0 --progress-every 30s
            """;

    private DemoRun() {}

    /**
     * @param trainerArgs extra {@code serve} options, overriding the demo's (e.g. {@code --objective})
     */
    public static Result run(
            String bootstrapServers,
            String registryUrl,
            Path dataDir,
            DemoSettings settings,
            DemoSources sources,
            List<String> trainerArgs,
            PrintStream out)
            throws Exception {
        // Built (or found in the cache) before the trainer starts, so a source's training has the cores to itself.
        List<DemoSource> answering = sources.open(settings, out);
        out.printf(
                Locale.ROOT,
                "demo sources: %s%n",
                answering.stream().map(DemoSource::name).toList());
        Path trainerDir = dataDir.resolve("trainer");
        Path startModel = trainerDir.resolve("start-model");
        if (!Files.exists(startModel.resolve("config.json"))) {
            FreshModel.LLAMA_TINY.write(startModel, settings.seed());
        }
        List<String> args = serveArgs(bootstrapServers, registryUrl, trainerDir, startModel, trainerArgs);
        FuseFlowTopics topics = FuseFlowTopics.defaults();
        ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "demo-live-view"));
        try (AutoCloseable closeSources = () -> answering.forEach(DemoSource::close);
                Running trainer = ServeCommand.start(args.toArray(String[]::new));
                FeedbackClient client = FeedbackClient.builder()
                        .bootstrapServers(bootstrapServers)
                        .schemaRegistryUrl(registryUrl)
                        .clientId("fuseflow-demo-app")
                        .build();
                PipelineObserver observer = new PipelineObserver(
                        bootstrapServers, registryUrl, topics, MODEL, new EvalBucket(EVAL_BUCKET_PERCENT));
                DemoApp app = new DemoApp(settings, client, observer, startModel, MODEL, answering)) {
            out.printf(
                    Locale.ROOT,
                    "demo: %s for %s; trainer metrics on http://127.0.0.1:%d/metrics%n",
                    MODEL,
                    settings.duration(),
                    trainer.metricsPort());
            LiveView view = new LiveView(app, trainer.registry(), trainer::status, observer, out);
            ticker.scheduleAtFixedRate(view::tick, 5, 5, TimeUnit.SECONDS);
            app.run();
            ticker.shutdownNow();
            view.tick();
            List<Path> files = writeResults(dataDir.resolve("demo"), app, view);
            out.print(app.board().table());
            return new Result(
                    app.board().target(),
                    view.preferenceStageSeen(),
                    app.board().bestSourceMean(),
                    observer.freshness(),
                    app.events(),
                    observer.samplesSeen(),
                    observer.deadLettersSeen(),
                    files);
        } finally {
            ticker.shutdownNow();
        }
    }

    /**
     * The sources alone, built when not cached, measured on the demo's held-out prompts: their
     * table (as the demo's learning table shows them) goes to {@code out}, their rewards are returned.
     */
    public static Map<String, TaskReward> measureSources(DemoSettings settings, DemoSources sources, PrintStream out)
            throws IOException {
        List<DemoSource> opened = sources.open(settings, out);
        try {
            LearningBoard board = new LearningBoard(DemoApp.heldOut(settings), opened);
            out.print(board.table());
            return board.sources();
        } finally {
            opened.forEach(DemoSource::close);
        }
    }

    /** The demo trainer's serve options: where things are, then {@link #SERVE_OPTIONS}, then the caller's. */
    private static List<String> serveArgs(
            String bootstrapServers, String registryUrl, Path trainerDir, Path startModel, List<String> trainerArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--model",
                startModel.toString(),
                "--output",
                trainerDir.toString(),
                "--bootstrap-servers",
                bootstrapServers,
                "--schema-registry-url",
                registryUrl,
                "--model-name",
                MODEL,
                "--eval-bucket",
                Integer.toString(EVAL_BUCKET_PERCENT),
                "--candidate-metrics",
                SkillTaskReward.NAME,
                "--gate-metrics",
                SkillTaskReward.METRIC));
        args.addAll(List.of(SERVE_OPTIONS.strip().split("\\s+")));
        args.addAll(trainerArgs);
        return args;
    }

    /**
     * The learning table and plots; each plot is written even when empty (a default 10-minute run stays in SFT, so
     * the margins chart says that no WRPO update happened instead of being missing).
     */
    private static List<Path> writeResults(Path results, DemoApp app, LiveView view) throws IOException {
        List<Path> files = new ArrayList<>(app.board().write(results));
        files.addAll(writeTrainerCurves(results, view.trainerCurves()));
        return files;
    }

    static List<Path> writeTrainerCurves(Path results, TrainingCurves curves) throws IOException {
        return curves.writeAll(
                results,
                List.of(
                        new TrainingCurves.Chart(
                                "trainer-loss", "Trainer loss per update (SFT, then WRPO)", List.of("loss")),
                        new TrainingCurves.Chart(
                                "trainer-margins",
                                "WRPO reward margin and accuracy",
                                List.of("rewards/margins", "rewards/accuracies"))),
                "no WRPO update in this run");
    }
}
