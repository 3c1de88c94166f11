package dev.fuseflow.trainer.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fuseflow-trainer}: the trainer's offline commands. */
@Command(name = "fuseflow-trainer", mixinStandardHelpOptions = true,
        description = "FuseFlow's trainer: WRPO and its baselines on DJL, offline on JSONL files.",
        subcommands = {InitModelCommand.class, TrainCommand.class, EvalCommand.class, ServeCommand.class, VersionsCommand.class})
public final class TrainerCommand {

    private TrainerCommand() {
    }

    /** Builds the command line with defaults from the environment and {@code --config}; exit code 2 on bad input. */
    public static CommandLine commandLine(String[] args, Map<String, String> env) throws java.io.IOException {
        return new CommandLine(new TrainerCommand())
                .setDefaultValueProvider(LayeredDefaults.from(args, env))
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                        line.getErr().println(line.getCommandName() + ": " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
    }

    public static void main(String[] args) throws java.io.IOException {
        int exit;
        try {
            exit = commandLine(args, System.getenv()).execute(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fuseflow-trainer: " + e.getMessage());
            exit = 2;
        }
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
