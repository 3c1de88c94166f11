package dev.fuseflow.schemas.serde;

import dev.fuseflow.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka (Streams) {@link Serde} for one generated Avro class in the Confluent wire format. */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final KafkaAvroSerializer<T> serializer;
    private final KafkaAvroDeserializer<T> deserializer;

    /** Configured later through {@link #configure}, as Kafka Streams does with default serdes. */
    public SpecificAvroSerde(Class<T> recordClass) {
        this.serializer = new KafkaAvroSerializer<>();
        this.deserializer = new KafkaAvroDeserializer<>(recordClass);
    }

    /** Ready to use with a client the caller built. */
    public SpecificAvroSerde(
            Class<T> recordClass, SchemaRegistryClient registry, AvroSerdeConfig config, boolean isKey) {
        this.serializer = new KafkaAvroSerializer<>(registry, config, isKey);
        this.deserializer = new KafkaAvroDeserializer<>(registry, recordClass, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public KafkaAvroDeserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
