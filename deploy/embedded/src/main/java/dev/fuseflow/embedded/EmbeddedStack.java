package dev.fuseflow.embedded;

import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.ContainerKafkaBroker;
import dev.fuseflow.embedded.kafka.InProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.embedded.registry.ApicurioRegistry;
import dev.fuseflow.embedded.registry.RegistryConfig;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker and a Schema Registry, started together (in parallel) and stopped together:
 * what the tests and the local stack need to run FuseFlow on one machine.
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

    private final KafkaBroker broker;
    private final ApicurioRegistry registry;
    private final BrokerMode mode;

    private EmbeddedStack(KafkaBroker broker, ApicurioRegistry registry, BrokerMode mode) {
        this.broker = broker;
        this.registry = registry;
        this.mode = mode;
    }

    /** Starts both under {@code dataDir} (sub-folders {@code kafka} and {@code registry}). */
    public static EmbeddedStack start(Path dataDir, BrokerMode requestedMode) {
        return start(
                KafkaBrokerConfig.at(dataDir.resolve("kafka")),
                RegistryConfig.at(dataDir.resolve("registry")),
                requestedMode);
    }

    public static EmbeddedStack start(
            KafkaBrokerConfig brokerConfig, RegistryConfig registryConfig, BrokerMode requestedMode) {
        BrokerMode mode = requestedMode.resolve();
        long started = System.nanoTime();
        CompletableFuture<ApicurioRegistry> registry =
                CompletableFuture.supplyAsync(() -> ApicurioRegistry.start(registryConfig));
        KafkaBroker broker;
        try {
            broker = startBroker(mode, brokerConfig);
        } catch (RuntimeException e) {
            registry.thenAccept(ApicurioRegistry::close);
            throw e;
        }
        try {
            EmbeddedStack stack = new EmbeddedStack(broker, registry.join(), mode);
            LOG.info(
                    "Embedded stack ready in {} ms: kafka {} ({}), schema registry {}",
                    (System.nanoTime() - started) / 1_000_000,
                    stack.bootstrapServers(),
                    mode,
                    stack.schemaRegistryUrl());
            return stack;
        } catch (CompletionException e) {
            broker.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static KafkaBroker startBroker(BrokerMode mode, KafkaBrokerConfig config) {
        return switch (mode) {
            case IN_PROCESS -> InProcessKafkaBroker.start(config);
            case CHILD_PROCESS -> ChildProcessKafkaBroker.start(config);
            case CONTAINER -> ContainerKafkaBroker.start();
            case AUTO -> throw new IllegalStateException("AUTO must be resolved before starting");
        };
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The value for {@code schema.registry.url}. */
    public String schemaRegistryUrl() {
        return registry.confluentApiUrl();
    }

    public KafkaBroker broker() {
        return broker;
    }

    public ApicurioRegistry registry() {
        return registry;
    }

    public BrokerMode mode() {
        return mode;
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            registry.close();
        }
    }
}
