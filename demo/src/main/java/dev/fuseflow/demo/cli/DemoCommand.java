package dev.fuseflow.demo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fuseflow-demo}: the demo workloads' files and the skills workload's task reward, apart from the product's commands. */
@Command(name = "fuseflow-demo", mixinStandardHelpOptions = true,
        description = "FuseFlow's demo workloads: JSONL samples for the trainer, and the skills workload's task reward of a model.",
        subcommands = {DemoDataCommand.class, TaskRewardCommand.class})
public final class DemoCommand {

    private DemoCommand() {
    }

    /** The command line; bad settings (IllegalArgumentException, IllegalStateException) exit 2 with their message. */
    public static CommandLine commandLine() {
        return new CommandLine(new DemoCommand())
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
