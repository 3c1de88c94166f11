package dev.fuseflow.local.demo;

import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.local.LocalStack;
import dev.fuseflow.local.LocalStackConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * WRPO against the paper's ablation on the same workload, budget and seeds: each (objective, seed)
 * runs the whole loop on a fresh local stack of its own, and the newest version's held-out reward
 * is compared. The ablation is SFT then DPO on target-only pairs, which is WRPO with
 * alpha_final = 0 (y_ws still drives the SFT stage in both).
 */
public final class DemoComparison {

    /** An objective under comparison and the trainer options that make it. */
    public record Objective(String name, List<String> trainerArgs) {}

    public static final List<Objective> PAPER =
            List.of(new Objective("WRPO", List.of()), new Objective("SFT+DPO", List.of("--alpha", "0")));

    /** One run's outcome. */
    public record Run(
            String objective, long seed, double startMean, double newestMean, double bestMean, int versions) {}

    private DemoComparison() {}

    /**
     * @param sources           the sources of every run (neural ones are built once, then found in their cache)
     * @param commonTrainerArgs serve options for every run (before the objective's own)
     */
    public static List<Run> run(
            Path root,
            Duration budget,
            List<Long> seeds,
            List<Objective> objectives,
            DemoSources sources,
            List<String> commonTrainerArgs,
            PrintStream out)
            throws Exception {
        List<Run> runs = new ArrayList<>();
        for (long seed : seeds) {
            for (Objective objective : objectives) {
                Path dataDir = root.resolve(objective.name().replace('+', '-') + "-seed" + seed);
                out.printf(Locale.ROOT, "== %s, seed %d, %s (folder %s)%n", objective.name(), seed, budget, dataDir);
                DemoSettings defaults = DemoSettings.defaults(budget);
                DemoSettings settings = new DemoSettings(
                        budget,
                        defaults.promptsPerRound(),
                        defaults.targetSamples(),
                        defaults.temperature(),
                        defaults.thumbsRate(),
                        defaults.thumbsNoise(),
                        defaults.heldOutPerSkill(),
                        seed);
                DemoRun.Result result;
                try (LocalStack stack =
                        LocalStack.start(LocalStackConfig.anyPorts(dataDir, BrokerMode.IN_PROCESS, true))) {
                    List<String> trainerArgs = new ArrayList<>(commonTrainerArgs);
                    trainerArgs.addAll(objective.trainerArgs());
                    result = DemoRun.run(
                            stack.bootstrapServers(),
                            stack.schemaRegistryUrl(),
                            dataDir,
                            settings,
                            sources,
                            trainerArgs,
                            new PrintStream(OutputStream.nullOutputStream()));
                }
                double best = result.target().stream()
                        .mapToDouble(r -> r.reward().mean())
                        .max()
                        .orElse(Double.NaN);
                Run run = new Run(
                        objective.name(),
                        seed,
                        result.startMean(),
                        result.newestMean(),
                        best,
                        result.target().size() - 1);
                out.printf(
                        Locale.ROOT,
                        "   newest %.3f, best %.3f, start %.3f, %d versions; best single source %.3f%n",
                        run.newestMean(),
                        run.bestMean(),
                        run.startMean(),
                        run.versions(),
                        result.bestSourceMean());
                runs.add(run);
            }
        }
        write(root.resolve("comparison.csv"), runs);
        out.print(table(runs));
        return runs;
    }

    /** Mean and sample standard deviation of the newest version's held-out reward per objective. */
    static String table(List<Run> runs) {
        Map<String, List<Run>> byObjective = new LinkedHashMap<>();
        runs.forEach(run -> byObjective
                .computeIfAbsent(run.objective(), k -> new ArrayList<>())
                .add(run));
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT, "%-10s %5s %22s %22s%n", "objective", "seeds", "newest mean +- sd", "best mean +- sd"));
        byObjective.forEach((name, list) -> text.append(String.format(
                Locale.ROOT,
                "%-10s %5d %14.3f +- %.3f %14.3f +- %.3f%n",
                name,
                list.size(),
                mean(list.stream().mapToDouble(Run::newestMean).toArray()),
                sd(list.stream().mapToDouble(Run::newestMean).toArray()),
                mean(list.stream().mapToDouble(Run::bestMean).toArray()),
                sd(list.stream().mapToDouble(Run::bestMean).toArray()))));
        return text.toString();
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    static double sd(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
    }

    private static void write(Path file, List<Run> runs) throws IOException {
        Files.createDirectories(file.getParent());
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file))) {
            csv.println("objective,seed,start_mean,newest_mean,best_mean,versions");
            for (Run run : runs) {
                csv.printf(
                        Locale.ROOT,
                        "%s,%d,%.4f,%.4f,%.4f,%d%n",
                        run.objective(),
                        run.seed(),
                        run.startMean(),
                        run.newestMean(),
                        run.bestMean(),
                        run.versions());
            }
        }
    }
}
