package dev.fuseflow.embedded.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The server.properties of a single-node KRaft broker on loopback. Shared by the in-process and
 * the child-JVM broker so that both run exactly the same configuration.
 */
public final class BrokerProperties {

    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private BrokerProperties() {}

    /** Properties for a broker whose ports are already fixed. */
    public static Properties of(KafkaBrokerConfig config, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // A static voter set: one node, no dynamic quorum bootstrap needed.
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir(config.dataDir()).toString());
        // One node: internal topics must not ask for three replicas, or initTransactions() hangs.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Without this every new consumer group waits 3 s before its first assignment.
        p.put("group.initial.rebalance.delay.ms", "0");
        // FuseFlow creates its topics explicitly; a typo should fail, not create a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // Small segments and few threads: this broker serves tests and a laptop, not a fleet.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.put("message.max.bytes", String.valueOf(8 * 1024 * 1024));
        config.security()
                .ifPresent(security -> p.putAll(security.brokerProperties(port, CONTROLLER_LISTENER, controllerPort)));
        p.putAll(config.overrides());
        Properties properties = new Properties();
        properties.putAll(p);
        return properties;
    }

    /** Folder of the partition logs and KRaft metadata inside a data dir. */
    public static Path logDir(Path dataDir) {
        return dataDir.resolve("kafka-logs");
    }
}
