package dev.fuseflow.demo.cli;

import dev.fuseflow.runtime.config.CommandLines;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fuseflow-demo}: the demo workloads' files and the skills workload's task reward, apart from the product's commands. */
@Command(
        name = "fuseflow-demo",
        mixinStandardHelpOptions = true,
        description =
                "FuseFlow's demo workloads: JSONL samples for the trainer, and the skills workload's task reward of a model.",
        subcommands = {DemoDataCommand.class, TaskRewardCommand.class})
public final class DemoCommand {

    private DemoCommand() {}

    /** The command line for {@code args} and {@code env}, layered and checked as every FuseFlow command line is. */
    public static CommandLine commandLine(String[] args, Map<String, String> env) {
        return CommandLines.configure(new CommandLine(new DemoCommand()), args, env);
    }

    public static void main(String[] args) {
        int exit = commandLine(args, System.getenv()).execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
