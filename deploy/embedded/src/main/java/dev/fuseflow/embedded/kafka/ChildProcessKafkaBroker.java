package dev.fuseflow.embedded.kafka;

import dev.fuseflow.embedded.process.ChildJvm;
import dev.fuseflow.embedded.process.FreePorts;
import dev.fuseflow.embedded.process.JavaCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    private final ChildJvm jvm;
    private final String bootstrapServers;
    private final Map<String, Object> adminClientProperties;

    private ChildProcessKafkaBroker(ChildJvm jvm, String bootstrapServers, Map<String, Object> adminClientProperties) {
        this.jvm = jvm;
        this.bootstrapServers = bootstrapServers;
        this.adminClientProperties = Map.copyOf(adminClientProperties);
    }

    /** Starts the broker JVM and returns once it serves clients. Ports stay fixed for restarts. */
    public static ChildProcessKafkaBroker start(KafkaBrokerConfig config) {
        KafkaBrokerConfig fixed =
                config.withPorts(FreePorts.pick(config.port()), FreePorts.pick(config.controllerPort()));
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
        List<String> arguments = new ArrayList<>(List.of(file.toString()));
        fixed.security().ifPresent(security -> arguments.addAll(security.scramArguments()));
        List<String> command = JavaCommand.of(
                JavaCommand.currentClasspath(),
                fixed.jvmOptions(),
                Map.of(),
                ChildBrokerMain.class.getName(),
                arguments);
        String bootstrap = "127.0.0.1:" + fixed.port();
        ChildProcessKafkaBroker broker = new ChildProcessKafkaBroker(
                new ChildJvm(
                        "Kafka broker at " + bootstrap,
                        command,
                        fixed.dataDir(),
                        fixed.dataDir().resolve("broker.log")),
                bootstrap,
                fixed.adminClientProperties());
        broker.restart();
        return broker;
    }

    /** Starts the broker process again after {@link #kill()} or {@link #close()}. */
    public void restart() {
        long started = System.nanoTime();
        Process process = jvm.start();
        BrokerReadiness.await(bootstrapServers, adminClientProperties, START_TIMEOUT, process::isAlive);
        LOG.info(
                "Kafka broker (child pid {}) ready at {} in {} ms; log {}",
                process.pid(),
                bootstrapServers,
                (System.nanoTime() - started) / 1_000_000,
                jvm.log());
    }

    /** SIGKILL: the broker dies at once, as in a crash. Its data dir stays. */
    public void kill() {
        jvm.kill();
    }

    /** The process id of the running broker JVM. */
    public long pid() {
        return jvm.pid();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        jvm.stop();
    }
}
