package dev.fuseflow.embedded.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Formats a KRaft log dir the way {@code kafka-storage format} does, once: a data dir that holds
 * a formatted broker keeps its cluster id so that a restarted broker finds its data.
 */
public final class KraftStorage {

    private static final String META_PROPERTIES = "meta.properties";

    private KraftStorage() {}

    /** Formats the broker's log dir unless it is formatted already; returns the cluster id. */
    public static String formatIfNeeded(Properties brokerProperties) {
        return formatIfNeeded(brokerProperties, List.of());
    }

    /**
     * As {@link #formatIfNeeded(Properties)}, writing SCRAM credentials into the bootstrap
     * metadata ({@code --add-scram} arguments such as {@code SCRAM-SHA-512=[name=admin,password=x]}).
     */
    public static String formatIfNeeded(Properties brokerProperties, List<String> scramArguments) {
        Path logDir = Path.of(brokerProperties.getProperty("log.dirs"));
        Path meta = logDir.resolve(META_PROPERTIES);
        if (Files.exists(meta)) {
            return readClusterId(meta);
        }
        String clusterId = Uuid.randomUuid().toString();
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(BrokerProperties.NODE_ID)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setScramArguments(scramArguments)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the KRaft log dir " + logDir + ": " + e.getMessage(), e);
        }
        return clusterId;
    }

    private static String readClusterId(Path meta) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + meta, e);
        }
        String clusterId = properties.getProperty("cluster.id");
        if (clusterId == null) {
            throw new IllegalStateException(meta + " has no cluster.id; delete the data dir to start afresh");
        }
        return clusterId;
    }
}
