package dev.fuseflow.embedded.kafka;

import dev.fuseflow.embedded.process.ParentWatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * Main class of the child broker JVM: formats the log dir if needed, runs the broker and stops
 * it when the parent closes stdin or dies.
 */
public final class ChildBrokerMain {

    private ChildBrokerMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException(
                    "usage: ChildBrokerMain <server.properties> [SCRAM credential to format with ...]");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            properties.load(in);
        }
        KraftStorage.formatIfNeeded(properties, Arrays.asList(args).subList(1, args.length));
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(properties), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "broker-shutdown"));
        ParentWatch.start(server::shutdown);
        server.startup();
        server.awaitShutdown();
        // Some broker threads are not daemons; after a clean shutdown nothing is left to flush.
        // checkstyle:off: Regexp
        System.exit(0);
        // checkstyle:on: Regexp
    }
}
