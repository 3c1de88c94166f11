package dev.fuseflow.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.trainer.audit.Audit;
import dev.fuseflow.trainer.audit.AuditReport;
import dev.fuseflow.trainer.publish.EvalBucket;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit}: the exactly-once audit of a {@code serve} run folder against the preferences topic. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Check that every sample on the preferences topic up to the newest checkpoint trained exactly once: along the"
                    + " newest checkpoint's lineage (read from the checkpoints' ledger, which retention never prunes),"
                    + " every record is trained once, held out by the eval bucket, or dead-lettered by the trainer.",
            "Exit code 0: exactly once; " + AuditCommand.NOT_EXACTLY_ONCE
                    + ": duplicates, missing or unknown samples; 2: the audit could not run (bad option, no run folder, no topic)."
        })
final class AuditCommand implements Callable<Integer> {

    /** The exit code of an audit that ran and found a sample trained twice, one lost, or one not on the topic. */
    static final int NOT_EXACTLY_ONCE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--output", required = true, description = "The run folder: serve's --output.")
    Path output;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(
            names = "--eval-bucket",
            defaultValue = "0",
            description =
                    "Serve's --eval-bucket: the percent of samples held out, never trained (default ${DEFAULT-VALUE}).")
    int evalBucket;

    @Option(
            names = "--timeout",
            defaultValue = "60s",
            description = "Longest wait without progress while reading a topic to its end (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--show",
            defaultValue = "10",
            description = "Most ids the table lists per problem; --json lists all (default ${DEFAULT-VALUE}).")
    int show;

    @Option(names = "--json", description = "One JSON object instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (show < 0) {
            throw new IllegalArgumentException("--show must be >= 0, got " + show);
        }
        AuditReport report = Audit.run(new Audit.Request(
                output,
                connection.clientConfig(Map.of()),
                connection.topics().preferences().name(),
                connection.topics().deadLetters().name(),
                new EvalBucket(evalBucket),
                timeout));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(report));
        } else {
            printTable(report, out);
        }
        out.flush();
        return report.exactlyOnce() ? 0 : NOT_EXACTLY_ONCE;
    }

    private void printTable(AuditReport report, PrintWriter out) {
        AuditReport.Topic topic = report.topic();
        AuditReport.Lineage lineage = report.lineage();
        out.printf(
                Locale.ROOT,
                "Lineage of %s: %d checkpoints (%d pruned, read from the ledger)%n",
                lineage.newestCheckpoint() == null ? "no checkpoint yet" : lineage.newestCheckpoint(),
                lineage.checkpoints(),
                lineage.pruned());
        row(out, "records in " + topic.name(), topic.records());
        row(out, "samples in topic (distinct ids)", topic.samples());
        row(out, "trained ids (repeats counted)", lineage.trainedIds());
        row(out, "trained exactly once", lineage.trainedOnce());
        row(out, "held out (eval bucket)", topic.heldOut());
        row(out, "dead-lettered by the trainer", topic.deadLettered());
        row(out, "not yet covered by a checkpoint", topic.notYetCovered());
        problem(
                out,
                "duplicates",
                report.duplicates(),
                d -> d.sampleId() + " in " + String.join(", ", d.checkpoints()));
        problem(
                out,
                "missing",
                report.missing(),
                m -> m.partition() + "@" + m.offset()
                        + (m.sampleId() == null ? " (not a sample, not dead-lettered)" : " " + m.sampleId()));
        problem(out, "trained but not in topic", report.unknown(), id -> id);
        out.println(report.exactlyOnce() ? "EXACTLY ONCE" : "NOT EXACTLY ONCE");
    }

    private static void row(PrintWriter out, String label, long value) {
        out.printf(Locale.ROOT, "  %-34s %10d%n", label, value);
    }

    private <T> void problem(PrintWriter out, String label, List<T> found, Function<T, String> describe) {
        row(out, label, found.size());
        found.stream().limit(show).forEach(item -> out.println("      " + describe.apply(item)));
        if (found.size() > show) {
            out.printf(Locale.ROOT, "      ... and %d more (--json lists all)%n", found.size() - show);
        }
    }
}
