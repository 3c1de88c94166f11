package dev.fuseflow.runtime.topics;

import dev.fuseflow.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates FuseFlow's topics where they are missing and reports those that differ from their spec. */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    /** The Admin API request that creates the topic {@code spec} describes. */
    public static NewTopic newTopic(TopicSpec spec) {
        return new NewTopic(spec.name(), Optional.of(spec.partitions()), spec.replicationFactor())
                .configs(spec.configs());
    }

    /** What {@link #ensure} did: topics it created and problems with topics that existed. */
    public record Report(List<String> created, List<String> mismatches) {}

    /** Creates each missing topic; an existing topic with fewer partitions than specified is a mismatch. */
    public Report ensure(Collection<TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<String> created = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (!existing.contains(spec.name()) && create(spec)) {
                    created.add(spec.name());
                }
            }
            awaitLeaders(created);
            List<String> mismatches = checkPartitions(specs, existing);
            mismatches.forEach(m -> LOG.warn("Topic mismatch: {}", m));
            if (!created.isEmpty()) {
                LOG.info("Created topics {}", created);
            }
            return new Report(created, mismatches);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot list or create topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            throw new InterruptException("Interrupted while creating topics", e);
        }
    }

    /**
     * Waits until every created topic has a leader for each partition in the broker's metadata.
     * createTopics returns once the controller has committed the topic; the brokers' metadata
     * caches follow a little later, and a Kafka Streams global store started in that gap fails with
     * "no partitions available" (seen in CI on a loaded 2-core machine).
     */
    private void awaitLeaders(List<String> created) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + METADATA_TIMEOUT.toNanos();
        for (String topic : created) {
            while (!hasLeaders(topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Topic " + topic + " was created but has no leader for every partition after "
                                    + METADATA_TIMEOUT.toSeconds() + " s; check the brokers' logs");
                }
                Thread.sleep(50);
            }
        }
    }

    private boolean hasLeaders(String topic) throws InterruptedException, ExecutionException {
        try {
            TopicDescription description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return !description.partitions().isEmpty()
                    && description.partitions().stream().allMatch(p -> p.leader() != null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /** True if this call created the topic, false if it existed (listing lags creation slightly). */
    private boolean create(TopicSpec spec) throws ExecutionException, InterruptedException {
        try {
            admin.createTopics(List.of(newTopic(spec))).all().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private List<String> checkPartitions(Collection<TopicSpec> specs, Set<String> existedBefore)
            throws ExecutionException, InterruptedException {
        List<String> names = specs.stream()
                .map(TopicSpec::name)
                .filter(existedBefore::contains)
                .toList();
        if (names.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(names).allTopicNames().get();
        List<String> mismatches = new ArrayList<>();
        for (TopicSpec spec : specs) {
            TopicDescription description = descriptions.get(spec.name());
            if (description != null && description.partitions().size() < spec.partitions()) {
                mismatches.add(spec.name() + " has " + description.partitions().size()
                        + " partitions, the spec asks for " + spec.partitions()
                        + "; raise them with kafka-topics --alter if the key distribution allows");
            }
        }
        return mismatches;
    }
}
