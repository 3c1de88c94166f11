package dev.fuseflow.ops.cli;

import dev.fuseflow.ops.lag.LagProbe;
import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConnectionOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code watch}: the status table, refreshed in place until Ctrl-C. */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = "The status table, refreshed in place until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {

    private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Mixin
    ConfigFile config = new ConfigFile();

    @Mixin
    ReportOptions report = new ReportOptions();

    @Option(names = "--interval", descriptionKey = OpsSettings.WATCH_INTERVAL_KEY)
    Duration interval;

    @Option(names = "--count", descriptionKey = OpsSettings.WATCH_COUNT_KEY)
    long count;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> clients = RegistryApi.confluent(connection.clientConfig(OpsCommand.CLIENT_SETTINGS));
        try (LagProbe probe = new LagProbe(clients)) {
            for (long refresh = 1; count == 0 || refresh <= count; refresh++) {
                StatusReport status =
                        StatusReport.take(clients, connection.topics(), probe, report.groupPrefix, report.rejections);
                out.print(CLEAR_SCREEN);
                status.print(out, report.history);
                out.printf("%nrefresh %d, every %s; Ctrl-C to stop%n", refresh, interval);
                out.flush();
                if (count == 0 || refresh < count) {
                    Thread.sleep(interval.toMillis());
                }
            }
        }
        return 0;
    }
}
