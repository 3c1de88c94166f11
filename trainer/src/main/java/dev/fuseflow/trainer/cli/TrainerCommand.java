package dev.fuseflow.trainer.cli;

import dev.fuseflow.runtime.config.CommandLines;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fuseflow-trainer}: the trainer's offline commands. */
@Command(
        name = "fuseflow-trainer",
        mixinStandardHelpOptions = true,
        description = "FuseFlow's trainer: WRPO and its baselines on DJL, offline on JSONL files.",
        subcommands = {
            InitModelCommand.class,
            InspectCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            ServeCommand.class,
            VersionsCommand.class,
            AuditCommand.class,
            ExportSamplesCommand.class,
            CompareRunsCommand.class
        })
public final class TrainerCommand {

    private TrainerCommand() {}

    /**
     * The command line for {@code args} (its {@code --config FILE}) and {@code env}: every option from the command line,
     * else its variable ({@code FUSEFLOW_SERVE_MAX_WAIT}), else the file ({@code serve.max-wait}), else its declaration;
     * bad input reported as one line and exit code 2.
     */
    public static CommandLine commandLine(String[] args, Map<String, String> env) {
        return CommandLines.configure(new CommandLine(new TrainerCommand()), args, env);
    }

    public static void main(String[] args) {
        int exit = commandLine(args, System.getenv()).execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
