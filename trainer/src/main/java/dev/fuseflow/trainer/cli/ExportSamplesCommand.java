package dev.fuseflow.trainer.cli;

import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.trainer.export.SampleExport;
import dev.fuseflow.trainer.topics.TopicSnapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export-samples}: the preference topic as the JSONL that {@code train} and {@code eval} read. */
@Command(
        name = "export-samples",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write the preference topic's samples, up to where it ends now, as JSONL for train and eval; samples the"
                    + " trainer would refuse are counted and left out.",
            "Every option can also come from --config FILE (key export-samples.<name>) or from the environment"
                    + " (FUSEFLOW_EXPORT_SAMPLES_<NAME>)."
        })
final class ExportSamplesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFile config = new ConfigFile();

    @Option(names = "--output", required = true, description = "The JSONL file to write (replaced when complete).")
    Path output;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(
            names = "--timeout",
            defaultValue = "60s",
            description =
                    "Longest wait without progress while reading the topic to its end (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        String topic = connection.topics().preferences().name();
        SampleExport.Result result = new SampleExport(new TopicSnapshot(connection.clientConfig(Map.of()), timeout))
                .export(topic, output, System.err);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "exported %d samples of %s to %s%n", result.exported(), topic, result.file());
        result.leftOut().forEach((reason, count) -> out.printf(Locale.ROOT, "left out %d: %s%n", count, reason));
        out.flush();
        return 0;
    }
}
