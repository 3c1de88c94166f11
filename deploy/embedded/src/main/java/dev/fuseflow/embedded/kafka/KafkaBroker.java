package dev.fuseflow.embedded.kafka;

/** A running Kafka broker that clients reach through {@link #bootstrapServers()}. */
public interface KafkaBroker extends AutoCloseable {

    /** {@code host:port} list for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Stops the broker cleanly; its data stays on disk. */
    @Override
    void close();
}
