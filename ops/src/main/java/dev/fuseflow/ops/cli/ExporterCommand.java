package dev.fuseflow.ops.cli;

import dev.fuseflow.ops.exporter.OpsExporter;
import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConnectionOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code exporter}: Prometheus metrics and the status page, until stopped. */
@Command(
        name = "exporter",
        mixinStandardHelpOptions = true,
        description =
                "Serve lag, model-version and dead-letter metrics on /metrics and a status page on / until stopped.")
final class ExporterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Mixin
    ConfigFile config = new ConfigFile();

    @Option(names = "--host", descriptionKey = OpsSettings.HOST_KEY)
    String host;

    @Option(names = "--port", descriptionKey = OpsSettings.PORT_KEY)
    int port;

    @Option(names = "--interval", descriptionKey = OpsSettings.EXPORTER_INTERVAL_KEY)
    Duration interval;

    @Option(names = "--group-prefix", descriptionKey = OpsSettings.GROUP_PREFIX_KEY)
    String groupPrefix;

    @Override
    public Integer call() throws Exception {
        OpsExporter exporter = new OpsExporter(
                RegistryApi.confluent(connection.clientConfig(OpsCommand.CLIENT_SETTINGS)),
                connection.topics(),
                groupPrefix,
                host,
                port,
                interval);
        spec.commandLine()
                .getOut()
                .printf(
                        "fuseflow-ops exporter on http://%s:%d/ (metrics /metrics, health /health)%n",
                        host, exporter.port());
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            exporter.close();
                            stopped.countDown();
                        },
                        "ops-exporter-shutdown"));
        stopped.await();
        return 0;
    }
}
