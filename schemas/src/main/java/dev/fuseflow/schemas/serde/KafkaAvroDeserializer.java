package dev.fuseflow.schemas.serde;

import dev.fuseflow.schemas.registry.SchemaRegistryClient;
import dev.fuseflow.schemas.registry.SchemaRegistryClients;
import dev.fuseflow.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro written by any compatible serializer, resolving the writer's
 * schema by id in the Schema Registry. Returns {@code GenericRecord}s, or generated classes with
 * {@code specific.avro.reader=true} or when built for one class.
 *
 * <p>Bad bytes never become a silent null: a missing magic byte, an unknown schema id, truncated or
 * corrupt Avro and trailing bytes each raise a {@link SerializationException} naming the topic,
 * the byte seen, the schema id and the length. The Kafka consumer adds the partition and offset
 * ({@code RecordDeserializationException}).
 */
public class KafkaAvroDeserializer<T> implements Deserializer<T> {

    static {
        GeneratedClassTrust.install();
    }

    private SchemaRegistryClient registry;
    private boolean specificReader;
    private boolean isKey;
    private final Schema targetSchema;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
    /** Schema ids whose schema is the reader's own, so their bodies decode to the record as they are. */
    private final Set<Integer> readerSchemaIds = ConcurrentHashMap.newKeySet();

    /** Configured through {@link #configure}; the reader type follows {@code specific.avro.reader}. */
    public KafkaAvroDeserializer() {
        this.targetSchema = null;
    }

    /** Reads into one generated class, whatever {@code specific.avro.reader} says. */
    public KafkaAvroDeserializer(Class<T> recordClass) {
        this.targetSchema = SpecificData.get().getSchema(recordClass);
        this.specificReader = true;
    }

    /** For callers that build the registry client themselves. */
    public KafkaAvroDeserializer(SchemaRegistryClient registry, Class<T> recordClass, boolean isKey) {
        this(recordClass);
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean key) {
        this.registry = SchemaRegistryClients.fromConfig(configs);
        this.specificReader =
                targetSchema != null || AvroSerdeConfig.from(configs, key).specificAvroReader();
        this.isKey = key;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("KafkaAvroDeserializer used before configure(): set schema.registry.url");
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw error(
                    topic,
                    data,
                    -1,
                    "it has " + data.length + " bytes, fewer than the " + WireFormat.HEADER_SIZE
                            + "-byte header (magic byte and schema id)",
                    null);
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw error(
                    topic,
                    data,
                    -1,
                    String.format(
                            "unknown magic byte 0x%02x (expected 0x00): it was not written"
                                    + " in the Confluent wire format",
                            data[0]),
                    null);
        }
        int id = schemaId(data);
        DatumReader<T> reader = reader(topic, data, id);
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
        T value;
        try {
            value = reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw error(topic, data, id, "the Avro body is truncated or corrupt (" + e + ")", e);
        }
        try {
            if (!decoder.isEnd()) {
                throw error(
                        topic,
                        data,
                        id,
                        "bytes are left over after the record: the body does not match the schema",
                        null);
            }
        } catch (IOException e) {
            throw error(topic, data, id, "the Avro body cannot be read to its end (" + e + ")", e);
        }
        return value;
    }

    /**
     * The Avro body of {@code data}, a record this deserializer has read, when it was written with
     * the reader's own schema: bytes that decode with that schema to the very record returned, so a
     * caller that stores the record can keep them instead of encoding it again. Empty when the
     * writer's schema differs from the reader's (or has not been read yet).
     */
    public Optional<byte[]> bodyInReaderSchema(byte[] data) {
        if (data == null
                || data.length < WireFormat.HEADER_SIZE
                || data[0] != WireFormat.MAGIC_BYTE
                || !readerSchemaIds.contains(schemaId(data))) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(data, WireFormat.HEADER_SIZE, data.length));
    }

    private static int schemaId(byte[] data) {
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private DatumReader<T> reader(String topic, byte[] data, int id) {
        DatumReader<T> cached = readers.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (InterruptException e) {
            throw e;
        } catch (SchemaRegistryException e) {
            String problem = e.isNotFound()
                    ? "schema id " + id + " is unknown to the Schema Registry"
                    : "the Schema Registry did not give schema id " + id + ": " + e.getMessage();
            throw error(topic, data, id, problem, e);
        }
        DatumReader<T> reader = newReader(topic, data, id, writerSchema);
        readers.put(id, reader);
        return reader;
    }

    private DatumReader<T> newReader(String topic, byte[] data, int id, Schema writerSchema) {
        if (!specificReader) {
            return new GenericDatumReader<>(writerSchema);
        }
        Schema readerSchema = targetSchema != null ? targetSchema : generatedClassSchema(topic, data, id, writerSchema);
        // An equal writer schema is replaced by the reader's own object, so Avro skips resolution.
        if (writerSchema.equals(readerSchema)) {
            readerSchemaIds.add(id);
            return new SpecificDatumReader<>(readerSchema, readerSchema);
        }
        return new SpecificDatumReader<>(writerSchema, readerSchema);
    }

    private Schema generatedClassSchema(String topic, byte[] data, int id, Schema writerSchema) {
        Class<?> generated = SpecificData.get().getClass(writerSchema);
        if (generated == null || !SpecificRecord.class.isAssignableFrom(generated)) {
            throw error(
                    topic,
                    data,
                    id,
                    "specific.avro.reader=true but no generated class " + writerSchema.getFullName()
                            + " is on the classpath",
                    null);
        }
        return SpecificData.get().getSchema(generated);
    }

    private SerializationException error(String topic, byte[] data, int id, String problem, Throwable cause) {
        String idPart = id < 0 ? "" : ", schema id " + id;
        return new SerializationException(
                "Cannot deserialize the Avro " + (isKey ? "key" : "value") + " of topic '" + topic + "' (" + data.length
                        + " bytes" + idPart + "): " + problem,
                cause);
    }
}
