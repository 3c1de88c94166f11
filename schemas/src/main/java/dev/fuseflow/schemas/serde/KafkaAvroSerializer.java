package dev.fuseflow.schemas.serde;

import dev.fuseflow.schemas.registry.SchemaRegistryClient;
import dev.fuseflow.schemas.registry.SchemaRegistryClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated classes or {@code GenericRecord}) in Confluent's wire format,
 * registering or looking up their schema in the Schema Registry. Drop-in for Confluent's
 * {@code KafkaAvroSerializer}: same config names, same bytes.
 */
public class KafkaAvroSerializer<T> implements Serializer<T> {

    static {
        GeneratedClassTrust.install();
    }

    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private boolean isKey;
    private final Map<SchemaKey, Integer> ids = new ConcurrentHashMap<>();
    private final Map<String, Schema> latestSchemas = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    public KafkaAvroSerializer() {}

    /** For callers that build the registry client themselves (tests, benchmarks, the mock registry). */
    public KafkaAvroSerializer(SchemaRegistryClient registry, AvroSerdeConfig config, boolean isKey) {
        this.registry = registry;
        this.config = config;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean key) {
        this.registry = SchemaRegistryClients.fromConfig(configs);
        this.config = AvroSerdeConfig.from(configs, key);
        this.isKey = key;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof GenericContainer record)) {
            throw new SerializationException("Cannot serialize " + part() + " of topic '" + topic + "': "
                    + data.getClass().getName() + " is not an Avro record (generated class or GenericRecord)");
        }
        if (registry == null) {
            throw new IllegalStateException("KafkaAvroSerializer used before configure(): set schema.registry.url");
        }
        Schema schema = writerSchema(topic, record.getSchema());
        int id = schemaId(topic, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(WireFormat.MAGIC_BYTE);
        writeIdBigEndian(out, id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer(schema, data).write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot serialize Avro " + part() + " of topic '" + topic + "' with schema " + schema.getFullName()
                            + " (id " + id + "): " + e.getMessage(),
                    e);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        return serialize(topic, data);
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private Schema writerSchema(String topic, Schema recordSchema) {
        if (!config.useLatestVersion()) {
            return recordSchema;
        }
        String subject = config.subjectNameStrategy().subjectName(topic, isKey, recordSchema);
        return latestSchemas.computeIfAbsent(
                subject, s -> registryCall(topic, s, () -> registry.latest(s).schema()));
    }

    private int schemaId(String topic, Schema schema) {
        SchemaKey key = new SchemaKey(topic, schema);
        Integer cached = ids.get(key);
        if (cached != null) {
            return cached;
        }
        String subject = config.subjectNameStrategy().subjectName(topic, isKey, schema);
        int id = registryCall(
                topic,
                subject,
                () -> config.autoRegisterSchemas()
                        ? registry.register(subject, schema)
                        : registry.lookup(subject, schema).id());
        ids.put(key, id);
        return id;
    }

    private <R> R registryCall(String topic, String subject, Supplier<R> call) {
        try {
            return call.get();
        } catch (InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SerializationException(
                    "Cannot " + (config.autoRegisterSchemas() ? "register" : "look up")
                            + " the Avro schema of the " + part() + " of topic '" + topic + "' under subject '"
                            + subject + "': "
                            + e.getMessage(),
                    e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writer(Schema schema, Object data) {
        return writers.computeIfAbsent(
                schema,
                s -> data instanceof SpecificRecord
                        ? (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(s)
                        : new GenericDatumWriter<>(s));
    }

    private static void writeIdBigEndian(ByteArrayOutputStream out, int id) {
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
    }

    private String part() {
        return isKey ? "key" : "value";
    }

    /** Ids are per topic because the subject (and so the id) depends on the topic. */
    private record SchemaKey(String topic, Schema schema) {}
}
