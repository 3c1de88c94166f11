package dev.fuseflow.local.demo;

import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.local.LocalStack;
import dev.fuseflow.local.LocalStackConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The learning experiment of docs/learning.md: arms that differ only in the preference stage (SFT+WRPO, SFT+DPO on
 * target-only pairs, SFT alone, and WRPO's alpha ablation) run on the same workload, budget and seeds, each (arm,
 * seed) as a whole demo on a fresh local stack of its own. Every served version's held-out reward is kept; the
 * start, the end of SFT and the newest version are compared per skill, arm against arm with paired statistics.
 */
public final class DemoComparison {

    /** An arm and the serve options that make it (on top of the demo's and the caller's common ones). */
    public record Arm(String name, List<String> trainerArgs) {}

    public static final Arm WRPO = new Arm("WRPO", List.of("--objective", "WRPO", "--alpha", "0.1"));
    /** Target-only pairs: WRPO with alpha held at 0. */
    public static final Arm SFT_DPO = new Arm("SFT+DPO", List.of("--objective", "DPO"));
    /** The trainer stops at the SFT quota; the app keeps serving the last SFT version. */
    public static final Arm SFT = new Arm("SFT", List.of("--objective", "SFT"));
    /** The ablation's other point (alpha 0 is SFT+DPO). */
    public static final Arm WRPO_ALPHA_03 = new Arm("WRPO-a0.3", List.of("--objective", "WRPO", "--alpha", "0.3"));

    public static final List<Arm> ARMS = List.of(WRPO, SFT_DPO, SFT, WRPO_ALPHA_03);
    /** The paper's three arms. */
    public static final List<Arm> PRIMARY = List.of(WRPO, SFT_DPO, SFT);

    /**
     * One (arm, seed) run.
     *
     * @param served                  every version the app served, the start model first
     * @param preferenceStageSeconds  when the trainer was seen past SFT (demo clock); NaN if never
     */
    public record Run(
            String arm, long seed, List<LearningBoard.Row> served, double preferenceStageSeconds, long samples) {

        public LearningBoard.Row start() {
            return served.get(0);
        }

        public LearningBoard.Row newest() {
            return served.get(served.size() - 1);
        }

        /** The last SFT version before the preference stage published; for SFT alone (or a run that never left SFT), the newest. */
        public LearningBoard.Row endOfSft() {
            return LearningBoard.endOfSft(served).orElse(newest());
        }
    }

    private DemoComparison() {}

    /** The arms named (comma-separated names of {@link #ARMS}), with a message listing them when one is unknown. */
    public static List<Arm> arms(List<String> names) {
        List<Arm> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(ARMS.stream()
                    .filter(arm -> arm.name().equalsIgnoreCase(name.strip()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--compare-arms: unknown arm '" + name
                            + "'; known: " + ARMS.stream().map(Arm::name).collect(Collectors.joining(", ")))));
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--compare-arms: name at least one arm");
        }
        return chosen;
    }

    /**
     * Runs every arm for every seed (seed-major, so a seed's arms run close together in time), then writes
     * {@code comparison.csv}, {@code comparison-versions.csv}, {@code comparison.txt} and
     * {@code held-out-over-time.png} under {@code root}.
     *
     * @param settings          the demo's settings; each run replaces the seed
     * @param sources           the sources of every run (neural ones are built once, then found in their cache)
     * @param commonTrainerArgs serve options for every run (before the arm's own)
     * @param resume            keep the runs already in {@code root}'s files and run only the missing (arm, seed)
     */
    public static List<Run> run(
            Path root,
            DemoSettings settings,
            List<Long> seeds,
            List<Arm> arms,
            DemoSources sources,
            List<String> commonTrainerArgs,
            boolean resume,
            PrintStream out)
            throws Exception {
        List<Run> runs = new ArrayList<>(resume ? ComparisonRecords.read(root) : List.of());
        int total = seeds.size() * arms.size();
        int toRun = (int) seeds.stream()
                .flatMap(seed -> arms.stream().filter(arm -> find(runs, arm, seed) == null))
                .count();
        int ran = 0;
        long began = System.nanoTime();
        for (long seed : seeds) {
            for (Arm arm : arms) {
                Path dataDir = root.resolve(arm.name().replace('+', '-') + "-seed" + seed);
                if (find(runs, arm, seed) != null) {
                    out.printf(
                            Locale.ROOT,
                            "== %s, seed %d: kept from %s%n",
                            arm.name(),
                            seed,
                            root.resolve(ComparisonRecords.RUNS));
                    continue;
                }
                out.printf(
                        Locale.ROOT,
                        "== run %d of %d (%d of %d in all): %s, seed %d, %s (folder %s)%s%n",
                        ran + 1,
                        toRun,
                        total - toRun + ran + 1,
                        total,
                        arm.name(),
                        seed,
                        settings.duration(),
                        dataDir,
                        eta(began, ran, toRun));
                Run run = runOne(dataDir, settings.withSeed(seed), arm, sources, commonTrainerArgs);
                out.printf(
                        Locale.ROOT,
                        "   start %.3f, end of SFT v%d %.3f, newest v%d %.3f (add %.3f); %d versions, preference stage"
                                + " from %s%n",
                        run.start().reward().mean(),
                        run.endOfSft().version(),
                        run.endOfSft().reward().mean(),
                        run.newest().version(),
                        run.newest().reward().mean(),
                        ComparisonReport.add(run.newest()),
                        run.served().size() - 1,
                        clock(run.preferenceStageSeconds()));
                runs.add(run);
                ran++;
                ComparisonRecords.write(root, runs, settings.duration().toSeconds());
            }
        }
        if (ran == 0 && !runs.isEmpty()) {
            // Nothing left to run: the report and the plot are redrawn by this version, from the runs on file.
            ComparisonRecords.write(root, runs, settings.duration().toSeconds());
        }
        out.print(ComparisonReport.of(runs));
        return runs;
    }

    private static Run find(List<Run> runs, Arm arm, long seed) {
        return runs.stream()
                .filter(run -> run.arm().equals(arm.name()) && run.seed() == seed)
                .findFirst()
                .orElse(null);
    }

    private static Run runOne(
            Path dataDir, DemoSettings settings, Arm arm, DemoSources sources, List<String> commonTrainerArgs)
            throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStackConfig.anyPorts(dataDir, BrokerMode.IN_PROCESS, true))) {
            List<String> trainerArgs = new ArrayList<>(commonTrainerArgs);
            trainerArgs.addAll(arm.trainerArgs());
            DemoRun.Result result = DemoRun.run(
                    stack.bootstrapServers(),
                    stack.schemaRegistryUrl(),
                    dataDir,
                    settings,
                    sources,
                    trainerArgs,
                    new PrintStream(OutputStream.nullOutputStream()));
            return new Run(
                    arm.name(), settings.seed(), result.target(), result.preferenceStageSeconds(), result.samples());
        }
    }

    private static String eta(long began, int done, int total) {
        if (done == 0) {
            return "";
        }
        double perRun = (System.nanoTime() - began) / 1e9 / done;
        return String.format(Locale.ROOT, "; about %s left", clock(perRun * (total - done)));
    }

    private static String clock(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "never";
        }
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
