package dev.fuseflow.embedded.kafka;

import dev.fuseflow.embedded.process.FreePorts;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real KRaft broker (combined broker and controller) running inside this JVM. */
public final class InProcessKafkaBroker implements KafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessKafkaBroker.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private InProcessKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats the data dir if needed, starts the broker and returns once it serves clients. */
    public static InProcessKafkaBroker start(KafkaBrokerConfig config) {
        long started = System.nanoTime();
        int port = FreePorts.pick(config.port());
        int controllerPort = FreePorts.pick(config.controllerPort());
        Properties properties = BrokerProperties.of(config, port, controllerPort);
        String clusterId = KraftStorage.formatIfNeeded(
                properties,
                config.security().map(BrokerSecurity::scramArguments).orElse(List.of()));
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(properties), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + port;
        try {
            BrokerReadiness.await(bootstrap, config.adminClientProperties(), Duration.ofSeconds(60), () -> true);
        } catch (RuntimeException e) {
            server.shutdown();
            throw e;
        }
        LOG.info(
                "Kafka broker (in-process, cluster {}) ready at {} in {} ms",
                clusterId,
                bootstrap,
                (System.nanoTime() - started) / 1_000_000);
        return new InProcessKafkaBroker(server, bootstrap);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
