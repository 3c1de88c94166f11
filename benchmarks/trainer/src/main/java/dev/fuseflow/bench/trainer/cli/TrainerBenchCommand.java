package dev.fuseflow.bench.trainer.cli;

import dev.fuseflow.runtime.config.CommandLines;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fuseflow-trainer-bench}: the trainer's benchmark and device check, apart from the product's commands. */
@Command(
        name = "fuseflow-trainer-bench",
        mixinStandardHelpOptions = true,
        description =
                "Benchmarks and device checks of FuseFlow's trainer: WRPO update speed and memory, GPU against CPU,"
                        + " native kernels against DJL.",
        subcommands = {BenchmarkCommand.class, DeviceCheckCommand.class, KernelCheckCommand.class, LoadCommand.class})
public final class TrainerBenchCommand {

    private TrainerBenchCommand() {}

    /** The command line for {@code args} and {@code env}, layered and checked as every FuseFlow command line is. */
    public static CommandLine commandLine(String[] args, Map<String, String> env) {
        return CommandLines.configure(new CommandLine(new TrainerBenchCommand()), args, env);
    }

    public static void main(String[] args) {
        int exit = commandLine(args, System.getenv()).execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
