package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.offline.RunComparison;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code compare-runs}: offline runs of several recipes and seeds side by side, from their held-out curves. */
@Command(
        name = "compare-runs",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Compare train runs named <arm>-seed<seed> under one folder by their held-out evaluations"
                + " (train --eval-data): per arm end of SFT, final and gain, mean +- sd over seeds, paired"
                + " differences; writes comparison.txt and a PNG of the curves.")
final class CompareRunsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", required = true, description = "The folder holding the run folders.")
    Path runs;

    @Option(
            names = "--metric",
            defaultValue = "eval/task_reward",
            description = "The metric compared, with its per-part metrics <metric>/... (default ${DEFAULT-VALUE}).")
    String metric;

    @Override
    public Integer call() throws Exception {
        var byArm = RunComparison.read(runs);
        if (byArm.isEmpty()) {
            throw new IllegalArgumentException("--runs " + runs + " holds no finished run folder <arm>-seed<seed>"
                    + " (with model/ and eval-sft.csv or eval-preference.csv)");
        }
        if (RunComparison.metrics(byArm, metric).isEmpty()) {
            throw new IllegalArgumentException("--metric " + metric + " is in none of the runs' evaluations");
        }
        String table = RunComparison.table(byArm, metric);
        Files.writeString(runs.resolve("comparison.txt"), table, StandardCharsets.UTF_8);
        PrintWriter out = spec.commandLine().getOut();
        out.print(table);
        List<String> unfinished = RunComparison.unfinished(runs);
        if (!unfinished.isEmpty()) {
            out.println("left out, no model/ yet (cut short or still training): " + String.join(", ", unfinished));
        }
        RunComparison.plot(
                        byArm, metric, runs.resolve("comparison-" + metric.replaceAll("[^A-Za-z0-9]+", "-") + ".png"))
                .ifPresent(file -> out.println("curves: " + file));
        out.flush();
        return 0;
    }
}
