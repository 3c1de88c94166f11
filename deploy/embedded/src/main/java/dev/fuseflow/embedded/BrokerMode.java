package dev.fuseflow.embedded;

import dev.fuseflow.embedded.kafka.ContainerKafkaBroker;
import java.util.Locale;

/** How the embedded stack runs its Kafka broker. */
public enum BrokerMode {
    /** Kafka's broker classes inside this JVM: fastest, the default without Docker. */
    IN_PROCESS,
    /** Kafka's broker classes in a child JVM, which a test can kill -9 and restart. */
    CHILD_PROCESS,
    /** Apache Kafka's image through Testcontainers. */
    CONTAINER,
    /** CONTAINER where a Docker engine answers, IN_PROCESS otherwise. */
    AUTO;

    /** Parses a mode name case-insensitively, naming the allowed values when it is not one. */
    public static BrokerMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "broker mode must be one of in-process, child-process, container, auto;" + " got '" + value + "'",
                    e);
        }
    }

    /** The concrete mode: AUTO resolved against this machine. */
    public BrokerMode resolve() {
        if (this != AUTO) {
            return this;
        }
        return ContainerKafkaBroker.dockerAvailable() ? CONTAINER : IN_PROCESS;
    }
}
