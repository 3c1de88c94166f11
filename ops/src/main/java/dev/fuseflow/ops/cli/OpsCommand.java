package dev.fuseflow.ops.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fuseflow-ops}: what operators on call ask of FuseFlow. */
@Command(name = "fuseflow-ops", mixinStandardHelpOptions = true,
        description = "Lag, model versions and dead letters of a FuseFlow deployment.",
        subcommands = {StatusCommand.class, WatchCommand.class, DeadLettersCommand.class, ExporterCommand.class, AclsCommand.class})
public final class OpsCommand {

    /** What every ops client adds to the connection settings: Avro records as generated classes, and its name. */
    static final Map<String, Object> CLIENT_SETTINGS = Map.of("specific.avro.reader", true, "client.id", "fuseflow-ops");

    private OpsCommand() {
    }

    /** The command line, with bad input reported as one line and exit code 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new OpsCommand()).setExecutionExceptionHandler((e, line, parsed) -> {
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
