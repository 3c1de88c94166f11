package dev.fuseflow.streams.app;

import dev.fuseflow.runtime.config.CommandLines;
import dev.fuseflow.runtime.config.ConfigOptions;
import dev.fuseflow.streams.config.StreamProcessorSettings;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fuseflow-stream-processors}: runs the preference topology until stopped. */
@Command(
        name = "fuseflow-stream-processors",
        mixinStandardHelpOptions = true,
        description =
                "Turns generations and feedback into weighted WRPO preference samples (Kafka Streams, exactly once).")
public final class StreamProcessorCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(
            names = "--exit-when-parent-exits",
            hidden = true,
            description = "Stop when stdin closes: for a supervising process (tests) that may die without cleaning up.")
    boolean exitWhenParentExits;

    @Override
    public Integer call() throws InterruptedException {
        StreamProcessorApp app = StreamProcessorApp.start(
                StreamProcessorConfig.from(config.load(StreamProcessorSettings.ALL, System.getenv())));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            stopped.countDown();
                        },
                        "stream-processors-shutdown"));
        if (exitWhenParentExits) {
            watchStdin();
        }
        stopped.await();
        return 0;
    }

    /** The parent keeps our stdin open and never writes; end of file means it is gone. */
    private static void watchStdin() {
        Thread watcher = new Thread(
                () -> {
                    try {
                        while (System.in.read() != -1) {
                            // Nothing is ever written; keep reading until end of file.
                        }
                    } catch (IOException e) {
                        // A broken pipe means the same as end of file.
                    }
                    // checkstyle:off: Regexp
                    System.exit(0);
                    // checkstyle:on: Regexp
                },
                "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The command line as {@link #main} runs it: the one layering, the settings listed in {@code --help}. */
    public static CommandLine commandLine(String[] args, Map<String, String> env) {
        CommandLine line = CommandLines.configure(
                new CommandLine(new StreamProcessorCommand()), args, env, StreamProcessorSettings.ALL);
        return CommandLines.listSettings(line, StreamProcessorSettings.ALL);
    }

    public static void main(String[] args) {
        int exit = commandLine(args, System.getenv()).execute(args);
        // checkstyle:off: Regexp
        System.exit(exit);
        // checkstyle:on: Regexp
    }
}
