package dev.fuseflow.local;

import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.local.demo.DemoComparison;
import dev.fuseflow.local.demo.DemoRun;
import dev.fuseflow.local.demo.DemoSettings;
import dev.fuseflow.local.demo.DemoSources;
import dev.fuseflow.local.demo.LearningDataExport;
import dev.fuseflow.runtime.config.CommandLines;
import dev.fuseflow.runtime.config.ConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fuseflow-local}: runs the FuseFlow stack on this machine until Ctrl-C. Every option can
 * also come from its variable ({@code FUSEFLOW_LOCAL_KAFKA_PORT}) or from {@code --config FILE}
 * ({@code local.kafka-port}), by the rule of every FuseFlow command line ({@link CommandLines}).
 */
@Command(
        name = "fuseflow-local",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Runs FuseFlow on this machine: a real Kafka broker (KRaft) and Schema Registry,"
                + " FuseFlow's topics and schemas, and the stream processors.")
public final class LocalStackCommand implements Callable<Integer> {

    @Mixin
    ConfigFile config = new ConfigFile();

    @Option(
            names = "--data-dir",
            defaultValue = "data/local",
            description = "Folder for broker logs and the registry database (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--broker-mode",
            defaultValue = "in-process",
            description = "in-process or child-process (default ${DEFAULT-VALUE}).")
    String brokerMode;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Broker client port, 0 for any free one (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--registry-port",
            defaultValue = "8081",
            description = "Schema Registry port, 0 for any free one (default ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(
            names = "--streams-metrics-port",
            defaultValue = "9404",
            description = "Prometheus port of the stream processors, 0 for any free one (default ${DEFAULT-VALUE}).")
    int streamsMetricsPort;

    @Option(
            names = "--ops-port",
            defaultValue = "9406",
            description =
                    "Port of the ops exporter: status page and metrics, 0 for any free one (default ${DEFAULT-VALUE}).")
    int opsPort;

    @Option(names = "--reset", description = "Delete the data dir before starting.")
    boolean reset;

    @Option(
            names = "--demo-duration",
            defaultValue = "10m",
            description =
                    "How long the demo app closes the loop before it prints the learning result (default ${DEFAULT-VALUE}).")
    Duration demoDuration;

    @Option(names = "--no-demo", description = "Start the stack only: no trainer, no demo app.")
    boolean noDemo;

    @Option(names = "--keep-running", description = "After the demo, keep the stack up until Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--trainer-arg",
            description = "Extra option for the trainer's serve, e.g. --trainer-arg=--sft-samples=4000.")
    List<String> trainerArgs = new ArrayList<>();

    @Option(
            names = "--compare-seeds",
            defaultValue = "0",
            description =
                    "Instead of the demo: the learning experiment (docs/learning.md). Every arm of --compare-arms runs"
                            + " for N seeds from --compare-first-seed, each run a whole demo of --demo-duration on a fresh stack under"
                            + " <data-dir>/compare; prints and writes the per-skill table, the paired differences and"
                            + " held-out-over-time.png (default ${DEFAULT-VALUE}: the demo instead).")
    int compareSeeds;

    @Option(
            names = "--compare-arms",
            split = ",",
            defaultValue = "WRPO,SFT+DPO,SFT",
            description = "The arms of --compare-seeds, comma-separated: WRPO (alpha 0.1), SFT+DPO (target-only pairs),"
                    + " SFT (no preference stage), WRPO-a0.3 (the alpha ablation) (default ${DEFAULT-VALUE}).")
    List<String> compareArms;

    @Option(
            names = "--compare-first-seed",
            defaultValue = "1",
            description =
                    "The first seed of --compare-seeds; the learning experiment keeps seed 0 for its calibration and"
                            + " pilot runs (default ${DEFAULT-VALUE}).")
    long compareFirstSeed;

    @Option(
            names = "--compare-resume",
            description =
                    "With --compare-seeds: keep the runs already in <data-dir>/compare/comparison.csv and run only"
                            + " the (arm, seed) pairs it lacks, e.g. after an interruption.")
    boolean compareResume;

    @Option(
            names = "--held-out-per-skill",
            defaultValue = "30",
            description = "Held-out prompts per skill that measure every served version; the learning experiment"
                    + " uses 100 (default ${DEFAULT-VALUE}).")
    int heldOutPerSkill;

    @Option(
            names = "--sources",
            defaultValue = "NEURAL",
            description =
                    "The demo's source models: NEURAL (a GPT-2 and a Qwen3 that FuseFlow trains on their own skills"
                            + " on first use, about 2 minutes on 2 cores, then cached in --sources-dir) or SCRIPTED (rule-based"
                            + " stand-ins, instant) (default ${DEFAULT-VALUE}).")
    DemoSources.Kind sources;

    @Option(
            names = "--sources-dir",
            defaultValue = "data/sources",
            description = "Cache of the neural sources, outside --data-dir so that --reset keeps it; a source is"
                    + " trained when its folder is missing (default ${DEFAULT-VALUE}).")
    Path sourcesDir;

    @Option(
            names = "--build-sources",
            description = "Instead of the demo: build the neural sources (or find them cached), print their held-out"
                    + " reward per skill, and exit.")
    boolean buildSources;

    @Option(
            names = "--export-to",
            description = "After the demo (or, with --no-demo, from the data dir's stream as it is), write the stream's"
                    + " samples and the held-out prompts to this folder (samples.jsonl, held-out.jsonl) for train --data"
                    + " and --eval-data, then stop unless --keep-running.")
    Path exportTo;

    @Option(names = "--exit-when-ready", hidden = true, description = "Start, print the endpoints, stop (smoke tests).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        DemoSettings settings = DemoSettings.defaults(demoDuration).withHeldOutPerSkill(heldOutPerSkill);
        if (buildSources) {
            DemoRun.measureSources(settings, DemoSources.neural(sourcesDir), System.out);
            return 0;
        }
        if (compareSeeds > 0) {
            List<Long> seeds = LongStream.range(compareFirstSeed, compareFirstSeed + compareSeeds)
                    .boxed()
                    .toList();
            DemoComparison.run(
                    dataDir.resolve("compare"),
                    settings,
                    seeds,
                    DemoComparison.arms(compareArms),
                    DemoSources.of(sources, sourcesDir),
                    trainerArgs,
                    compareResume,
                    System.out);
            return 0;
        }
        LocalStackConfig config = new LocalStackConfig(
                dataDir, BrokerMode.parse(brokerMode), kafkaPort, registryPort, streamsMetricsPort, opsPort, reset);
        LocalStack stack = LocalStack.start(config);
        System.out.println(stack.describe());
        if (exitWhenReady) {
            stack.close();
            return 0;
        }
        if (!noDemo) {
            DemoRun.Result result = DemoRun.run(
                    stack.bootstrapServers(),
                    stack.schemaRegistryUrl(),
                    dataDir,
                    settings,
                    DemoSources.of(sources, sourcesDir),
                    trainerArgs,
                    System.out);
            System.out.println(summary(result));
        }
        if (exportTo != null) {
            export(stack, settings);
        }
        if (!keepRunning && (!noDemo || exportTo != null)) {
            stack.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stack.close();
                            stopped.countDown();
                        },
                        "local-stack-shutdown"));
        stopped.await();
        return 0;
    }

    /** --export-to: the stream and the held-out prompts as files; the stack stops if that fails. */
    private void export(LocalStack stack, DemoSettings settings) throws IOException {
        try {
            LearningDataExport.write(
                    stack.bootstrapServers(), stack.schemaRegistryUrl(), settings, exportTo, System.out);
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    static String summary(DemoRun.Result result) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "events %,d -> samples %,d (dead letters %,d); %d versions published%n",
                result.events(),
                result.samples(),
                result.deadLetters(),
                result.target().size() - 1));
        text.append(String.format(
                Locale.ROOT,
                "target held-out reward: start %.3f -> newest %.3f; best single source %.3f: %s%n",
                result.startMean(),
                result.newestMean(),
                result.bestSourceMean(),
                result.newestMean() > result.bestSourceMean()
                        ? "the target has overtaken every source"
                        : result.newestMean() > result.startMean()
                                ? "the target improved but has not overtaken the sources yet"
                                : "the target has not improved yet"));
        text.append(String.format(
                Locale.ROOT,
                "freshness (sample to first published version trained on it): p50 %.1f s, p95 %.1f s"
                        + " over %d samples%n",
                result.freshness(50),
                result.freshness(95),
                result.freshnessSeconds().size()));
        text.append("results: ").append(result.files());
        return text.toString();
    }

    /** The command line for {@code args} and {@code env}, layered and checked as every FuseFlow command line is. */
    public static CommandLine commandLine(String[] args, Map<String, String> env) {
        return CommandLines.configure(new CommandLine(new LocalStackCommand()), args, env);
    }

    public static void main(String[] args) {
        int exitCode = commandLine(args, System.getenv()).execute(args);
        // The in-process broker leaves non-daemon threads behind; exit explicitly.
        // checkstyle:off: Regexp
        System.exit(exitCode);
        // checkstyle:on: Regexp
    }
}
