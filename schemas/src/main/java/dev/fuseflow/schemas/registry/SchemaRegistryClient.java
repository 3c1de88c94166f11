package dev.fuseflow.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The operations of Confluent's Schema Registry REST API that serdes and operators need. Ids and
 * schemas are cached: after the first call for a schema, serializing and deserializing never
 * touches the network.
 *
 * <p>Every failure is a {@link SchemaRegistryException} naming the subject, the HTTP status and the
 * registry's error code.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id and version of {@code schema} if it is registered under {@code subject}. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** The newest version registered under {@code subject}. */
    RegisteredSchema latest(String subject);

    /** Whether {@code schema} could be registered under {@code subject} now, and why not. */
    CompatibilityResult checkCompatibility(String subject, Schema schema);

    /** The global compatibility level. */
    CompatibilityLevel compatibility();

    /** The subject's own compatibility level, or the global one when it has none. */
    CompatibilityLevel compatibility(String subject);

    /** Sets the global compatibility level. */
    void setCompatibility(CompatibilityLevel level);

    /** Sets one subject's compatibility level. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** Every subject the registry knows. */
    List<String> subjects();

    @Override
    default void close() {}
}
