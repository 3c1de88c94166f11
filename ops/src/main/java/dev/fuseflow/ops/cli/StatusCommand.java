package dev.fuseflow.ops.cli;

import dev.fuseflow.ops.json.OpsJson;
import dev.fuseflow.ops.lag.LagProbe;
import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConnectionOptions;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code status}: lag per group and partition, and each model's current version, rejections and history. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Consumer lag (records, seconds, trend) and each model's served version, rejections and history.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Mixin
    ConfigFile config = new ConfigFile();

    @Mixin
    ReportOptions report = new ReportOptions();

    @Option(names = "--json", description = "One JSON object instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> clients = RegistryApi.confluent(connection.clientConfig(OpsCommand.CLIENT_SETTINGS));
        try (LagProbe probe = new LagProbe(clients)) {
            // Two looks a moment apart give every partition a trend.
            StatusReport.take(clients, connection.topics(), probe, report.groupPrefix, report.rejections);
            Thread.sleep(report.trendWindow.toMillis());
            StatusReport status =
                    StatusReport.take(clients, connection.topics(), probe, report.groupPrefix, report.rejections);
            if (json) {
                out.println(OpsJson.MAPPER.writeValueAsString(status));
                out.flush();
            } else {
                status.print(out, report.history);
            }
        }
        return 0;
    }
}
