package dev.fuseflow.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.schemas.SampleRecords;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.registry.InMemorySchemaRegistryClient;
import dev.fuseflow.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WireFormatSerdeTest {

    private static final String SCOPE = "wire-format-test";
    private static final String TOPIC = "t";
    private static final Map<String, Object> CONFIG = Map.of("schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void everyRecordTypeRoundTripsThroughTheSpecificReader() {
        KafkaAvroSerializer<SpecificRecord> serializer = serializer();
        KafkaAvroDeserializer<SpecificRecord> deserializer = new KafkaAvroDeserializer<>();
        deserializer.configure(Map.of("schema.registry.url", "mock://" + SCOPE, "specific.avro.reader", "true"), false);
        for (SpecificRecord record : SampleRecords.oneOfEach()) {
            String topic = "topic-" + record.getSchema().getName();
            assertThat(deserializer.deserialize(topic, serializer.serialize(topic, record)))
                    .isEqualTo(record);
        }
        for (Object signal : SampleRecords.everySignal()) {
            FeedbackEvent feedback = SampleRecords.feedback(2, signal);
            assertThat(deserializer.deserialize("fb", serializer.serialize("fb", feedback)))
                    .isEqualTo(feedback);
        }
    }

    @Test
    void bytesAreMagicByteThenBigEndianIdThenAvroBody() {
        byte[] bytes = serializer().serialize(TOPIC, SampleRecords.generation(1));
        int id = InMemorySchemaRegistryClient.scope(SCOPE)
                .latest(TOPIC + "-value")
                .id();
        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(bytes.length).isGreaterThan(WireFormat.HEADER_SIZE);
    }

    @Test
    void genericReaderIsTheDefault() {
        KafkaAvroDeserializer<Object> deserializer = new KafkaAvroDeserializer<>();
        deserializer.configure(CONFIG, false);
        Object read = deserializer.deserialize(TOPIC, serializer().serialize(TOPIC, SampleRecords.generation(7)));
        assertThat(read).isInstanceOf(GenericRecord.class);
        assertThat(((GenericRecord) read).get("eventId").toString()).isEqualTo("gen-7");
    }

    @Test
    void nullInNullOut() {
        assertThat(serializer().serialize(TOPIC, null)).isNull();
        assertThat(deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void keysUseTheKeySubject() {
        KafkaAvroSerializer<SpecificRecord> keySerializer = new KafkaAvroSerializer<>();
        keySerializer.configure(CONFIG, true);
        keySerializer.serialize(TOPIC, SampleRecords.generation(1));
        assertThat(InMemorySchemaRegistryClient.scope(SCOPE).subjects()).containsExactly(TOPIC + "-key");
    }

    @Test
    void recordNameStrategyRegistersUnderTheRecordsFullName() {
        KafkaAvroSerializer<SpecificRecord> serializer = new KafkaAvroSerializer<>();
        serializer.configure(
                Map.of(
                        "schema.registry.url",
                        "mock://" + SCOPE,
                        "value.subject.name.strategy",
                        "io.confluent.kafka.serializers.subject.RecordNameStrategy"),
                false);
        serializer.serialize("a", SampleRecords.generation(1));
        serializer.serialize("b", SampleRecords.generation(2));
        assertThat(InMemorySchemaRegistryClient.scope(SCOPE).subjects())
                .containsExactly("dev.fuseflow.schemas.avro.GenerationEvent");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsNamingTopicAndSubject() {
        KafkaAvroSerializer<SpecificRecord> serializer = new KafkaAvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", "mock://" + SCOPE, "auto.register.schemas", "false"), false);
        assertThatThrownBy(() -> serializer.serialize(TOPIC, SampleRecords.generation(1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic 't'")
                .hasMessageContaining("subject 't-value'")
                .hasMessageContaining("not found");
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchema() {
        InMemorySchemaRegistryClient registry = InMemorySchemaRegistryClient.scope(SCOPE);
        int id = registry.register(TOPIC + "-value", GenerationEvent.getClassSchema());
        KafkaAvroSerializer<SpecificRecord> serializer = new KafkaAvroSerializer<>();
        serializer.configure(
                Map.of(
                        "schema.registry.url",
                        "mock://" + SCOPE,
                        "auto.register.schemas",
                        false,
                        "use.latest.version",
                        true),
                false);
        byte[] bytes = serializer.serialize(TOPIC, SampleRecords.generation(1));
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void nonAvroValuesAreRefusedByType() {
        KafkaAvroSerializer<Object> serializer = new KafkaAvroSerializer<>();
        serializer.configure(CONFIG, false);
        assertThatThrownBy(() -> serializer.serialize(TOPIC, "plain string"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.lang.String is not an Avro record");
    }

    @Test
    void emptyAndShortInputNameTheirLength() {
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic 't'")
                .hasMessageContaining("0 bytes")
                .hasMessageContaining("header");
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, new byte[] {0, 0, 1}))
                .hasMessageContaining("3 bytes, fewer than the 5-byte header");
    }

    @Test
    void aMissingMagicByteNamesTheByteSeen() {
        byte[] json = "{\"eventId\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown magic byte 0x7b (expected 0x00)")
                .hasMessageContaining("topic 't'")
                .hasMessageContaining(json.length + " bytes");
    }

    @Test
    void anUnknownSchemaIdIsNamed() {
        byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 'h', 'i'};
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 12345 is unknown")
                .hasMessageContaining("8 bytes, schema id 12345")
                .hasCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void truncatedAvroIsAnErrorNotAPartialRecord() {
        byte[] full = serializer().serialize(TOPIC, SampleRecords.preference(1));
        byte[] truncated = Arrays.copyOf(full, full.length - 10);
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated or corrupt")
                .hasMessageContaining("topic 't'")
                .hasMessageContaining(truncated.length + " bytes, schema id");
    }

    @Test
    void trailingBytesAreAnError() {
        byte[] full = serializer().serialize(TOPIC, SampleRecords.preference(1));
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, longer))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("bytes are left over");
    }

    @Test
    void aRecordOfAnotherTypeNamesBothTypes() {
        byte[] generation = serializer().serialize(TOPIC, SampleRecords.generation(1));
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, generation))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Found dev.fuseflow.schemas.avro.GenerationEvent,")
                .hasMessageContaining("expecting dev.fuseflow.schemas.avro.PreferenceSample");
    }

    @Test
    void corruptBodiesNeverDeserializeSilently() {
        byte[] valid = serializer().serialize(TOPIC, SampleRecords.preference(1));
        Random random = new Random(42);
        int failures = 0;
        for (int trial = 0; trial < 200; trial++) {
            byte[] corrupt = valid.clone();
            for (int i = WireFormat.HEADER_SIZE; i < corrupt.length; i++) {
                corrupt[i] = (byte) random.nextInt(256);
            }
            try {
                PreferenceSample read = deserializer().deserialize(TOPIC, corrupt);
                assertThat(read).isNotNull();
            } catch (SerializationException e) {
                assertThat(e).hasMessageContaining("topic 't'");
                failures++;
            }
        }
        // Random bytes almost never form a complete record that ends exactly at the last byte.
        assertThat(failures).isGreaterThan(190);
    }

    @Test
    void theBodyIsOfferedForKeepingOnlyWhenWrittenWithTheReadersSchema() throws Exception {
        GenerationEvent event = SampleRecords.generation(3);
        byte[] sameSchema = serializer().serialize(TOPIC, event);
        KafkaAvroDeserializer<GenerationEvent> deserializer = new KafkaAvroDeserializer<>(GenerationEvent.class);
        deserializer.configure(CONFIG, false);
        assertThat(deserializer.bodyInReaderSchema(sameSchema))
                .as("before the schema id was read")
                .isEmpty();

        assertThat(deserializer.deserialize(TOPIC, sameSchema)).isEqualTo(event);
        byte[] body = deserializer.bodyInReaderSchema(sameSchema).orElseThrow();
        assertThat(body).isEqualTo(Arrays.copyOfRange(sameSchema, WireFormat.HEADER_SIZE, sameSchema.length));
        assertThat(new SpecificDatumReader<>(GenerationEvent.class)
                        .read(null, DecoderFactory.get().binaryDecoder(body, null)))
                .isEqualTo(event);

        // A producer on a newer schema (one more field, with a default): its body is not in the reader's schema.
        Schema evolved = new Schema.Parser()
                .parse(GenerationEvent.getClassSchema()
                        .toString()
                        .replaceFirst(
                                "\"fields\":\\[",
                                "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\",\"default\":\"t\"},"));
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(v1, null);
        new SpecificDatumWriter<>(GenerationEvent.class).write(event, encoder);
        encoder.flush();
        GenericRecord newer = new GenericDatumReader<GenericRecord>(GenerationEvent.getClassSchema(), evolved)
                .read(null, DecoderFactory.get().binaryDecoder(v1.toByteArray(), null));
        KafkaAvroSerializer<GenericRecord> genericSerializer = new KafkaAvroSerializer<>();
        genericSerializer.configure(CONFIG, false);
        byte[] otherSchema = genericSerializer.serialize(TOPIC, newer);
        assertThat(deserializer.deserialize(TOPIC, otherSchema)).isEqualTo(event);
        assertThat(deserializer.bodyInReaderSchema(otherSchema)).isEmpty();
        assertThat(deserializer.bodyInReaderSchema(sameSchema)).isPresent();
    }

    private static KafkaAvroSerializer<SpecificRecord> serializer() {
        KafkaAvroSerializer<SpecificRecord> serializer = new KafkaAvroSerializer<>();
        serializer.configure(CONFIG, false);
        return serializer;
    }

    private static KafkaAvroDeserializer<PreferenceSample> deserializer() {
        KafkaAvroDeserializer<PreferenceSample> deserializer = new KafkaAvroDeserializer<>(PreferenceSample.class);
        deserializer.configure(CONFIG, false);
        return deserializer;
    }
}
