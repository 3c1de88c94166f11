package dev.fuseflow.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * A registry held in memory with the same rules as the real one (ids, versions, compatibility
 * levels checked with Avro's own {@link SchemaCompatibility}), for {@code TopologyTestDriver}
 * tests and benchmarks. Selected with {@code schema.registry.url=mock://<scope>}; clients of the
 * same scope in one JVM share it, as with Confluent's mock registry.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, List<RegisteredSchema>> versionsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<Schema, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new ConcurrentHashMap<>();
    private volatile CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    /** The shared registry of a {@code mock://} scope, created on first use. */
    public static InMemorySchemaRegistryClient scope(String name) {
        return SCOPES.computeIfAbsent(name, n -> new InMemorySchemaRegistryClient());
    }

    /** Forgets a scope, e.g. between tests. */
    public static void dropScope(String name) {
        SCOPES.remove(name);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Optional<RegisteredSchema> existing = find(subject, schema);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        CompatibilityResult compatibility = checkCompatibility(subject, schema);
        if (!compatibility.compatible()) {
            throw new SchemaRegistryException(
                    "Schema being registered is incompatible with an earlier schema for subject '" + subject + "': "
                            + compatibility.messages(),
                    subject,
                    409,
                    SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    null);
        }
        int id = idsBySchema.computeIfAbsent(schema, s -> nextId++);
        schemasById.putIfAbsent(id, schema);
        List<RegisteredSchema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        versions.add(new RegisteredSchema(subject, id, versions.size() + 1, schema));
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        requireSubject(subject);
        return find(subject, schema)
                .orElseThrow(() -> new SchemaRegistryException(
                        "Schema not found under subject '" + subject + "'",
                        subject,
                        404,
                        SchemaRegistryException.SCHEMA_NOT_FOUND,
                        null));
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(
                    "Schema " + id + " not found", null, 404, SchemaRegistryException.SCHEMA_NOT_FOUND, null);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<RegisteredSchema> versions = requireSubject(subject);
        return versions.get(versions.size() - 1);
    }

    @Override
    public synchronized CompatibilityResult checkCompatibility(String subject, Schema schema) {
        List<RegisteredSchema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            return new CompatibilityResult(true, List.of());
        }
        CompatibilityLevel level = compatibility(subject);
        List<RegisteredSchema> against =
                level.name().endsWith("TRANSITIVE") ? versions : List.of(versions.get(versions.size() - 1));
        List<String> messages = new ArrayList<>();
        for (RegisteredSchema earlier : against) {
            if (level.name().startsWith("BACKWARD") || level.name().startsWith("FULL")) {
                describeIncompatibility(
                        schema,
                        earlier.schema(),
                        "new schema cannot read data written with version " + earlier.version(),
                        messages);
            }
            if (level.name().startsWith("FORWARD") || level.name().startsWith("FULL")) {
                describeIncompatibility(
                        earlier.schema(),
                        schema,
                        "version " + earlier.version() + " cannot read data written with the new schema",
                        messages);
            }
        }
        return new CompatibilityResult(messages.isEmpty(), messages);
    }

    @Override
    public CompatibilityLevel compatibility() {
        return globalLevel;
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    @Override
    public void setCompatibility(CompatibilityLevel level) {
        globalLevel = level;
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        subjectLevels.put(subject, level);
    }

    @Override
    public List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    private Optional<RegisteredSchema> find(String subject, Schema schema) {
        return versionsBySubject.getOrDefault(subject, List.of()).stream()
                .filter(v -> v.schema().equals(schema))
                .findFirst();
    }

    private List<RegisteredSchema> requireSubject(String subject) {
        List<RegisteredSchema> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(
                    "Subject '" + subject + "' not found",
                    subject,
                    404,
                    SchemaRegistryException.SUBJECT_NOT_FOUND,
                    null);
        }
        return versions;
    }

    private static void describeIncompatibility(Schema reader, Schema writer, String what, List<String> messages) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            result.getResult()
                    .getIncompatibilities()
                    .forEach(i -> messages.add(what + ": " + i.getMessage() + " at " + i.getLocation()));
        }
    }
}
