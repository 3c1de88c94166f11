package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * An input event as the sources hand it on: the record, and its Avro body when that can be stored
 * as it is (written with the reader's schema), else null. The prompt state keeps those bytes
 * instead of encoding each event again, which took a twentieth of the stream thread's time.
 */
record Received<T>(T event, byte[] body) {

    /** The contracts' deserializer, wrapped: bad bytes still throw, so Streams' handler still dead-letters them. */
    static final class ReceivedDeserializer<T> implements Deserializer<Received<T>> {

        private final KafkaAvroDeserializer<T> avro;

        ReceivedDeserializer(KafkaAvroDeserializer<T> avro) {
            this.avro = avro;
        }

        @Override
        public Received<T> deserialize(String topic, byte[] data) {
            T event = avro.deserialize(topic, data);
            return event == null
                    ? null
                    : new Received<>(event, avro.bodyInReaderSchema(data).orElse(null));
        }

        @Override
        public void close() {
            avro.close();
        }
    }
}
