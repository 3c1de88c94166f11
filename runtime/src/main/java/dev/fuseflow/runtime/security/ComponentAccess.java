package dev.fuseflow.runtime.security;

import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each FuseFlow component needs, and no more: the single source of the README's ACL
 * table, of {@code fuseflow-ops acls}, and of the secured-broker tests. READ and WRITE imply
 * DESCRIBE; idempotent producers need no cluster ACL since Kafka 3.0 (WRITE on a topic suffices).
 *
 * @param topics              the deployment's topic names
 * @param streamsApplicationId the stream processors' {@code application.id} (group, internal topics and
 *                            transactional ids all start with it)
 * @param trainerGroupId      the trainer's consumer group
 * @param modelName           the published model; names the trainer's and the operators' transactional ids
 */
public record ComponentAccess(
        FuseFlowTopics topics, String streamsApplicationId, String trainerGroupId, String modelName) {

    /** Who connects, and why. */
    public enum Component {
        /** The gateway, FeedbackClient in apps, and {@code fuseflow-import}: write events. */
        PRODUCER("gateway, FeedbackClient, fuseflow-import"),
        /** Kafka Streams with exactly-once: events in, samples and dead letters out, internal topics of its own. */
        STREAMS("stream processors"),
        /** Samples in (one group), versions out in transactions, poisoned samples to the DLQ. */
        TRAINER("trainer (serve)"),
        /** {@code fuseflow-trainer versions promote|rollback}: version records in transactions of their own. */
        VERSION_OPERATOR("fuseflow-trainer versions"),
        /** {@code fuseflow-ops} and the exporter: read-only. */
        OPS("fuseflow-ops, ops exporter");

        private final String who;

        Component(String who) {
            this.who = who;
        }

        public String who() {
            return who;
        }
    }

    /** The deployment defaults: default topics, application id, group and model name. */
    public static ComponentAccess defaults() {
        return new ComponentAccess(FuseFlowTopics.defaults(), "fuseflow-preferences", "fuseflow-trainer", "target");
    }

    /** The ACLs {@code principal} (e.g. {@code User:fuseflow-trainer}) needs to run {@code component}. */
    public List<AclBinding> bindings(Component component, String principal) {
        List<AclBinding> out = new ArrayList<>();
        Granting grant = (type, name, pattern, operation) -> out.add(new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        switch (component) {
            case PRODUCER -> {
                grant.allow(ResourceType.TOPIC, topics.generations().name(), PatternType.LITERAL, AclOperation.WRITE);
                grant.allow(ResourceType.TOPIC, topics.feedback().name(), PatternType.LITERAL, AclOperation.WRITE);
            }
            case STREAMS -> {
                grant.allow(ResourceType.TOPIC, topics.generations().name(), PatternType.LITERAL, AclOperation.READ);
                grant.allow(ResourceType.TOPIC, topics.feedback().name(), PatternType.LITERAL, AclOperation.READ);
                grant.allow(ResourceType.TOPIC, topics.modelVersions().name(), PatternType.LITERAL, AclOperation.READ);
                grant.allow(ResourceType.TOPIC, topics.preferences().name(), PatternType.LITERAL, AclOperation.WRITE);
                grant.allow(ResourceType.TOPIC, topics.deadLetters().name(), PatternType.LITERAL, AclOperation.WRITE);
                // Changelog and repartition topics: created, read, written, purged and described by Streams.
                grant.allow(ResourceType.TOPIC, streamsApplicationId + "-", PatternType.PREFIXED, AclOperation.ALL);
                grant.allow(ResourceType.GROUP, streamsApplicationId, PatternType.LITERAL, AclOperation.READ);
                grant.allow(
                        ResourceType.TRANSACTIONAL_ID,
                        streamsApplicationId + "-",
                        PatternType.PREFIXED,
                        AclOperation.WRITE);
            }
            case TRAINER -> {
                grant.allow(ResourceType.TOPIC, topics.preferences().name(), PatternType.LITERAL, AclOperation.READ);
                grant.allow(ResourceType.GROUP, trainerGroupId, PatternType.LITERAL, AclOperation.READ);
                grant.allow(ResourceType.TOPIC, topics.modelVersions().name(), PatternType.LITERAL, AclOperation.WRITE);
                grant.allow(ResourceType.TOPIC, topics.deadLetters().name(), PatternType.LITERAL, AclOperation.WRITE);
                grant.allow(
                        ResourceType.TRANSACTIONAL_ID,
                        "fuseflow-trainer-" + modelName,
                        PatternType.LITERAL,
                        AclOperation.WRITE);
            }
            case VERSION_OPERATOR -> {
                grant.allow(ResourceType.TOPIC, topics.modelVersions().name(), PatternType.LITERAL, AclOperation.WRITE);
                grant.allow(
                        ResourceType.TRANSACTIONAL_ID,
                        "fuseflow-ops-" + modelName,
                        PatternType.LITERAL,
                        AclOperation.WRITE);
            }
            case OPS -> {
                for (var topic : topics.all()) {
                    grant.allow(ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.READ);
                }
                grant.allow(ResourceType.GROUP, streamsApplicationId, PatternType.LITERAL, AclOperation.DESCRIBE);
                grant.allow(ResourceType.GROUP, trainerGroupId, PatternType.LITERAL, AclOperation.DESCRIBE);
            }
            default -> throw new IllegalArgumentException("unknown component " + component);
        }
        return List.copyOf(out);
    }

    /** One line per ACL, in the words of {@code kafka-acls --list}: operation, resource type, name, pattern. */
    public static String describe(AclBinding binding) {
        ResourcePattern pattern = binding.pattern();
        return String.format(
                Locale.ROOT,
                "%s %s %s%s",
                binding.entry().operation(),
                pattern.resourceType(),
                pattern.name(),
                pattern.patternType() == PatternType.PREFIXED ? "*" : "");
    }

    @FunctionalInterface
    private interface Granting {
        void allow(ResourceType type, String name, PatternType pattern, AclOperation operation);
    }
}
