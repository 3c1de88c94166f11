package dev.fuseflow.streams.app;

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

/** {@code fuseflow-stream-processors}: runs the preference topology until stopped. */
@Command(name = "fuseflow-stream-processors", mixinStandardHelpOptions = true,
        description = "Turns generations and feedback into weighted WRPO preference samples (Kafka Streams, exactly once).")
public final class StreamProcessorCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "Properties file; FUSEFLOW_* environment variables override it.")
    Path configFile;

    @Option(names = {"-s", "--set"}, description = "key=value, overrides file and environment (repeatable).")
    Map<String, String> overrides = new HashMap<>();

    @Option(names = "--exit-when-parent-exits", hidden = true,
            description = "Stop when stdin closes: for a supervising process (tests) that may die without cleaning up.")
    boolean exitWhenParentExits;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.load(StreamProcessorConfig.DEFAULTS, Optional.ofNullable(configFile), System.getenv(),
                overrides);
        StreamProcessorApp app = StreamProcessorApp.start(StreamProcessorConfig.from(settings));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "stream-processors-shutdown"));
        if (exitWhenParentExits) {
            watchStdin();
        }
        stopped.await();
        return 0;
    }

    /** The parent keeps our stdin open and never writes; end of file means it is gone. */
    private static void watchStdin() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // Nothing is ever written; keep reading until end of file.
                }
            } catch (java.io.IOException e) {
                // A broken pipe means the same as end of file.
            }
            // checkstyle:off: Regexp
            System.exit(0);
            // checkstyle:on: Regexp
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    public static void main(String[] args) {
        int exit = new CommandLine(new StreamProcessorCommand())
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    line.getErr().println("fuseflow-stream-processors: " + e.getMessage());
                    return 2;
                })
                .execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
