package dev.fuseflow.bench.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fuseflow-trainer-bench}: the trainer's benchmark and device check, apart from the product's commands. */
@Command(name = "fuseflow-trainer-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks and device checks of FuseFlow's trainer: WRPO update speed and memory, GPU against CPU.",
        subcommands = {BenchmarkCommand.class, DeviceCheckCommand.class})
public final class TrainerBenchCommand {

    private TrainerBenchCommand() {
    }

    /** The command line; bad settings (IllegalArgumentException, IllegalStateException) exit 2 with their message. */
    public static CommandLine commandLine() {
        return new CommandLine(new TrainerBenchCommand())
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                        line.getErr().println(line.getCommandName() + ": " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
    }

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
