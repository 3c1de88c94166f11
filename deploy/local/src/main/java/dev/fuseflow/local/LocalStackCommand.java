package dev.fuseflow.local;

import dev.fuseflow.embedded.BrokerMode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fuseflow-local}: runs the FuseFlow stack on this machine until Ctrl-C. Every option can
 * also come from an environment variable (shown in its default) or from
 * {@code ~/.fuseflow-local.properties} (picocli's properties default provider).
 */
@Command(name = "fuseflow-local", mixinStandardHelpOptions = true,
        description = "Runs FuseFlow on this machine: a real Kafka broker (KRaft) and Schema Registry,"
                + " FuseFlow's topics and schemas, and the stream processors.",
        defaultValueProvider = CommandLine.PropertiesDefaultProvider.class)
public final class LocalStackCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "${FUSEFLOW_DATA_DIR:-data/local}",
            description = "Folder for broker logs and the registry database (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--broker-mode", defaultValue = "${FUSEFLOW_BROKER_MODE:-in-process}",
            description = "in-process or child-process (default: ${DEFAULT-VALUE}).")
    String brokerMode;

    @Option(names = "--kafka-port", defaultValue = "${FUSEFLOW_KAFKA_PORT:-9092}",
            description = "Broker client port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "${FUSEFLOW_REGISTRY_PORT:-8081}",
            description = "Schema Registry port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--streams-metrics-port", defaultValue = "${FUSEFLOW_STREAMS_METRICS_PORT:-9404}",
            description = "Prometheus port of the stream processors, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int streamsMetricsPort;

    @Option(names = "--reset", description = "Delete the data dir before starting.")
    boolean reset;

    @Option(names = "--exit-when-ready", hidden = true, description = "Start, print the endpoints, stop (smoke tests).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws InterruptedException {
        LocalStackConfig config = new LocalStackConfig(dataDir, BrokerMode.parse(brokerMode), kafkaPort, registryPort,
                streamsMetricsPort, reset);
        LocalStack stack = LocalStack.start(config);
        System.out.println(stack.describe());
        if (exitWhenReady) {
            stack.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int exitCode = new CommandLine(new LocalStackCommand())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    commandLine.getErr().println("fuseflow-local: " + e.getMessage());
                    return 2;
                })
                .execute(args);
        // The in-process broker leaves non-daemon threads behind; exit explicitly.
        // checkstyle:off: Regexp
        System.exit(exitCode);
        // checkstyle:on: Regexp
    }
}
