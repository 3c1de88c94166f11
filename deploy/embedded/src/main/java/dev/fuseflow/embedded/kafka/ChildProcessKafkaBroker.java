package dev.fuseflow.embedded.kafka;

import dev.fuseflow.embedded.process.ChildProcesses;
import dev.fuseflow.embedded.process.FreePorts;
import dev.fuseflow.embedded.process.JavaCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real KRaft broker in a child JVM, so that a test can kill it with SIGKILL and start it again
 * on the same data dir and ports. The child runs {@link ChildBrokerMain}.
 */
public final class ChildProcessKafkaBroker implements KafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcessKafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final KafkaBrokerConfig config;
    private final Path propertiesFile;
    private final String bootstrapServers;
    private Process process;

    private ChildProcessKafkaBroker(KafkaBrokerConfig config, Path propertiesFile, String bootstrapServers) {
        this.config = config;
        this.propertiesFile = propertiesFile;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker JVM and returns once it serves clients. Ports stay fixed for restarts. */
    public static ChildProcessKafkaBroker start(KafkaBrokerConfig config) {
        KafkaBrokerConfig fixed = config.withPorts(FreePorts.pick(config.port()), FreePorts.pick(config.controllerPort()));
        Properties properties = BrokerProperties.of(fixed, fixed.port(), fixed.controllerPort());
        Path file = fixed.dataDir().resolve("server.properties");
        try {
            Files.createDirectories(fixed.dataDir());
            try (OutputStream out = Files.newOutputStream(file)) {
                properties.store(out, "FuseFlow embedded broker");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        ChildProcessKafkaBroker broker = new ChildProcessKafkaBroker(fixed, file, "127.0.0.1:" + fixed.port());
        broker.restart();
        return broker;
    }

    /** Starts the broker process again after {@link #kill()} or {@link #close()}. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Broker at " + bootstrapServers + " is still running (pid " + process.pid() + ")");
        }
        long started = System.nanoTime();
        List<String> command = JavaCommand.of(JavaCommand.currentClasspath(), config.jvmOptions(), Map.of(),
                ChildBrokerMain.class.getName(), List.of(propertiesFile.toString()));
        Path log = config.dataDir().resolve("broker.log");
        try {
            process = ChildProcesses.track(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the broker JVM: " + command, e);
        }
        Process current = process;
        BrokerReadiness.await(bootstrapServers, START_TIMEOUT, current::isAlive);
        LOG.info("Kafka broker (child pid {}) ready at {} in {} ms; log {}", current.pid(), bootstrapServers,
                (System.nanoTime() - started) / 1_000_000, log);
    }

    /** SIGKILL: the broker dies at once, as in a crash. Its data dir stays. */
    public synchronized void kill() {
        if (process != null) {
            ChildProcesses.kill(process);
        }
    }

    /** The process id of the running broker JVM. */
    public synchronized long pid() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("Broker at " + bootstrapServers + " is not running");
        }
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            ChildProcesses.stop(process);
        }
    }
}
