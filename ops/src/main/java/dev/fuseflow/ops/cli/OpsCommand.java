package dev.fuseflow.ops.cli;

import dev.fuseflow.runtime.config.CommandLines;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fuseflow-ops}: what operators on call ask of FuseFlow. */
@Command(
        name = "fuseflow-ops",
        mixinStandardHelpOptions = true,
        description = "Lag, model versions and dead letters of a FuseFlow deployment.",
        subcommands = {
            StatusCommand.class,
            WatchCommand.class,
            DeadLettersCommand.class,
            ExporterCommand.class,
            AclsCommand.class
        })
public final class OpsCommand {

    /** What every ops client adds to the connection settings: Avro records as generated classes, and its name. */
    static final Map<String, Object> CLIENT_SETTINGS =
            Map.of("specific.avro.reader", true, "client.id", "fuseflow-ops");

    private OpsCommand() {}

    /** The command line with the process's environment and no config file. */
    public static CommandLine commandLine() {
        return commandLine(new String[0], System.getenv());
    }

    /**
     * The command line for {@code args} (its {@code --config FILE}) and {@code env}: every option from the command line,
     * else its variable, else the file, else its declaration; bad input reported as one line and exit code 2.
     */
    public static CommandLine commandLine(String[] args, Map<String, String> env) {
        return CommandLines.configure(new CommandLine(new OpsCommand()), args, env, OpsSettings.ALL);
    }

    public static void main(String[] args) {
        int exit = commandLine(args, System.getenv()).execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
