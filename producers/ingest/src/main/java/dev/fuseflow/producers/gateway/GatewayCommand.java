package dev.fuseflow.producers.gateway;

import dev.fuseflow.runtime.config.CommandLines;
import dev.fuseflow.runtime.config.ConfigOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code fuseflow-gateway}: runs the HTTP gateway until stopped (SIGTERM drains it). */
@Command(
        name = "fuseflow-gateway",
        mixinStandardHelpOptions = true,
        description = "HTTP gateway: FuseFlow events as JSON in, Avro to Kafka out.")
public final class GatewayCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() throws InterruptedException {
        Gateway gateway = Gateway.start(GatewayConfig.from(config.load(GatewaySettings.ALL, System.getenv())));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            gateway.close();
                            stopped.countDown();
                        },
                        "gateway-shutdown"));
        stopped.await();
        return 0;
    }

    /** The command line as {@link #main} runs it: the one layering, the settings listed in {@code --help}. */
    public static CommandLine commandLine(String[] args, Map<String, String> env) {
        CommandLine line =
                CommandLines.configure(new CommandLine(new GatewayCommand()), args, env, GatewaySettings.ALL);
        return CommandLines.listSettings(line, GatewaySettings.ALL);
    }

    public static void main(String[] args) {
        int exit = commandLine(args, System.getenv()).execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
