package dev.fuseflow.producers.importer;

import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.producers.client.FeedbackClientBuilder;
import dev.fuseflow.producers.json.EventJson;
import dev.fuseflow.runtime.config.CommandLines;
import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.runtime.config.SharedSettings;
import dev.fuseflow.schemas.validation.EventValidator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fuseflow-import}: JSONL files into FuseFlow's topics, resumable, with a reject file and a summary. */
@Command(
        name = "fuseflow-import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Import a JSONL file of FuseFlow events or of a public preference dataset (UltraFeedback shape).",
            "Re-running the same command resumes after the last acknowledged line; bad lines go to the reject file."
        })
public final class ImportCommand implements Callable<Integer> {

    /** The line shapes this importer reads. */
    enum Format {
        FUSEFLOW,
        ULTRAFEEDBACK
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, description = "JSONL file to import.")
    Path input;

    @Option(names = "--format", descriptionKey = ImportSettings.FORMAT_KEY)
    Format format;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--rejects", description = "Where bad lines go (default: <input>.rejects.jsonl).")
    Path rejects;

    @Option(names = "--state", description = "Progress file for resuming (default: <input>.import-state.json).")
    Path state;

    @Option(names = "--limit", descriptionKey = ImportSettings.LIMIT_KEY)
    long limit;

    @Option(names = "--window", descriptionKey = ImportSettings.WINDOW_KEY)
    int window;

    @Option(names = "--scorer", descriptionKey = ImportSettings.SCORER_KEY)
    String scorer;

    @Option(names = "--target-model", descriptionKey = ImportSettings.TARGET_MODEL_KEY)
    String targetModel;

    @Option(names = "--target-version", descriptionKey = ImportSettings.TARGET_VERSION_KEY)
    long targetVersion;

    @Option(names = "--max-text-bytes", descriptionKey = SharedSettings.MAX_TEXT_BYTES_KEY)
    int maxTextBytes;

    @Option(names = "--progress-every", descriptionKey = ImportSettings.PROGRESS_EVERY_KEY, hidden = true)
    Duration progressEvery;

    @Mixin
    ConfigFile config = new ConfigFile();

    @Override
    public Integer call() throws Exception {
        EventValidator validator = new EventValidator(maxTextBytes);
        LineFormat lines = format == Format.FUSEFLOW
                ? new FuseFlowLines(new EventJson(validator))
                : new UltraFeedbackLines(validator, scorer, targetModel, targetVersion, Instant.now());
        FeedbackClientBuilder builder = FeedbackClient.builder()
                .bootstrapServers(connection.bootstrapServers())
                .schemaRegistryUrl(connection.schemaRegistryUrl())
                .clientId("fuseflow-import")
                .maxTextBytes(maxTextBytes)
                .topics(connection.topics())
                .security(connection.security());
        connection.kafkaProperties().forEach(builder::property);
        Path rejectFile = rejects != null ? rejects : input.resolveSibling(input.getFileName() + ".rejects.jsonl");
        Path stateFile = state != null ? state : input.resolveSibling(input.getFileName() + ".import-state.json");
        PrintWriter out = spec.commandLine().getOut();
        Importer.Summary summary;
        try (FeedbackClient client = builder.build();
                ProgressBar progress = new ProgressBarBuilder()
                        .setTaskName("import")
                        .setInitialMax(Importer.countLines(input))
                        .setUnit(" lines", 1)
                        .showSpeed()
                        .setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis((int) progressEvery.toMillis())
                        .setConsumer(new DelegatingProgressBarConsumer(out::println))
                        .build()) {
            summary = new Importer(lines, client, window).run(input, rejectFile, stateFile, limit, progress);
        }
        out.printf(
                Locale.ROOT,
                "imported %d lines (%d generations, %d feedback events), rejected %d (see %s), skipped %d already"
                        + " imported, of %d lines in %.1f s (%.0f lines/s)%n",
                summary.imported() - summary.rejected(),
                summary.generations(),
                summary.feedback(),
                summary.rejected(),
                rejectFile,
                summary.alreadyImported(),
                summary.lines(),
                summary.seconds(),
                summary.imported() / Math.max(summary.seconds(), 1e-9));
        return summary.rejected() == 0 ? 0 : 1;
    }

    /** The command line as {@link #main} runs it: options from the command line, the environment, {@code --config}, the declarations. */
    public static CommandLine commandLine(String[] args, Map<String, String> env) {
        return CommandLines.configure(new CommandLine(new ImportCommand()), args, env, ImportSettings.ALL);
    }

    public static void main(String[] args) {
        int exit = commandLine(args, System.getenv()).execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
