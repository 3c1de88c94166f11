package dev.fuseflow.schemas.topics;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A topic FuseFlow writes: its name, partition count, replication factor (empty: the broker's
 * {@code default.replication.factor}) and topic-level configs. A description only: the services
 * create topics from it with runtime's {@code TopicProvisioner}, so that this contract carries no
 * Admin API.
 */
public record TopicSpec(
        String name,
        int partitions,
        Optional<Short> replicationFactor,
        Map<String, String> configs,
        Class<?> valueType) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("topic name '" + name
                    + "' may only use letters, digits, '.', '_' and '-'" + " (at most 249 characters)");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least 1 partition, got " + partitions);
        }
        replicationFactor = Objects.requireNonNullElse(replicationFactor, Optional.empty());
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException(
                        "topic " + name + " needs a replication factor of at least 1, got " + rf);
            }
        });
        configs = Map.copyOf(configs);
        Objects.requireNonNull(valueType, "valueType");
    }

    public TopicSpec withName(String newName) {
        return new TopicSpec(newName, partitions, replicationFactor, configs, valueType);
    }

    public TopicSpec withPartitions(int newPartitions) {
        return new TopicSpec(name, newPartitions, replicationFactor, configs, valueType);
    }

    public TopicSpec withReplicationFactor(short factor) {
        return new TopicSpec(name, partitions, Optional.of(factor), configs, valueType);
    }
}
