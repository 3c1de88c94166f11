package dev.fuseflow.producers.gateway;

import dev.fuseflow.runtime.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fuseflow-gateway}: runs the HTTP gateway until stopped (SIGTERM drains it). */
@Command(name = "fuseflow-gateway", mixinStandardHelpOptions = true,
        description = "HTTP gateway: FuseFlow events as JSON in, Avro to Kafka out.")
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "Properties file; FUSEFLOW_* environment variables override it.")
    Path configFile;

    @Option(names = {"-s", "--set"}, description = "key=value, overrides file and environment (repeatable).")
    Map<String, String> overrides = new HashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config = GatewayConfig.from(Settings.load(GatewayConfig.DEFAULTS, Optional.ofNullable(configFile), System.getenv(),
                overrides));
        Gateway gateway = Gateway.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int exit = new CommandLine(new GatewayCommand())
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    line.getErr().println("fuseflow-gateway: " + e.getMessage());
                    return 2;
                })
                .execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
