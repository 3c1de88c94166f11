package dev.fuseflow.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.SampleRecords;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution rules on the real registry (Apicurio through its Confluent API). The evolved
 * schemas are GenerationEvent with one change each; GenerationEvent itself is the "old" version.
 */
@WithEmbeddedStack
class SchemaEvolutionTest {

    private static final Schema V1 = GenerationEvent.getClassSchema();

    private RestSchemaRegistryClient registry;

    @BeforeEach
    void client(EmbeddedStack stack) {
        registry = new RestSchemaRegistryClient(
                RegistryClientConfig.from(Map.of("schema.registry.url", stack.schemaRegistryUrl())));
        assertThat(registry.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void addingAnOptionalFieldIsAcceptedAndOldReadersReadNewData(EmbeddedStack stack) {
        String topic = "evolution-optional";
        String subject = topic + "-value";
        int v1 = registry.register(subject, V1);
        Schema v2 = withField(
                V1,
                new Schema.Field(
                        "locale",
                        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                        "BCP-47 locale of the conversation.",
                        Schema.Field.NULL_DEFAULT_VALUE));

        assertThat(registry.checkCompatibility(subject, v2).compatible()).isTrue();
        int v2Id = registry.register(subject, v2);
        assertThat(v2Id).isNotEqualTo(v1);
        assertThat(registry.latest(subject).version()).isEqualTo(2);

        GenericRecord newData = asGeneric(SampleRecords.generation(1), v2);
        newData.put("locale", "de-CH");
        Map<String, Object> config = Map.of("schema.registry.url", stack.schemaRegistryUrl());
        KafkaAvroSerializer<GenericRecord> newWriter = new KafkaAvroSerializer<>();
        newWriter.configure(config, false);
        KafkaAvroDeserializer<GenerationEvent> oldReader = new KafkaAvroDeserializer<>(GenerationEvent.class);
        oldReader.configure(config, false);

        GenerationEvent read = oldReader.deserialize(topic, newWriter.serialize(topic, newData));

        assertThat(read).isEqualTo(SampleRecords.generation(1));
    }

    @Test
    void addingARequiredFieldWithoutDefaultIsRejectedWith409() {
        String subject = "evolution-required-value";
        registry.register(subject, V1);
        Schema v2 = withField(V1, new Schema.Field("tenant", Schema.create(Schema.Type.STRING), "Tenant id.", null));

        CompatibilityResult check = registry.checkCompatibility(subject, v2);
        assertThat(check.compatible()).isFalse();
        assertThatThrownBy(() -> registry.register(subject, v2))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.isIncompatibleSchema()).isTrue();
                    assertThat(e.subject()).isEqualTo(subject);
                })
                .hasMessageContaining("subject '" + subject + "'")
                .hasMessageContaining("HTTP 409");
    }

    @Test
    void changingAFieldsTypeIsRejectedWith409() {
        String subject = "evolution-type-value";
        registry.register(subject, V1);
        Schema v2 = replaceField(
                V1, "response", new Schema.Field("response", Schema.create(Schema.Type.INT), "now a number", null));

        assertThatThrownBy(() -> registry.register(subject, v2))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void removingARequiredFieldWithoutDefaultIsRejectedWhereOldReadersMustKeepWorking() {
        // Under BACKWARD, new readers ignore a removed field, so Avro (and every registry) accepts
        // the removal; it breaks old readers, which FORWARD and FULL protect. FuseFlow's contract
        // subjects run BACKWARD (consumers upgrade first); this shows the guard where it applies.
        String subject = "evolution-removal-value";
        registry.register(subject, V1);
        Schema withoutResponse = replaceField(V1, "response", null);
        assertThat(registry.checkCompatibility(subject, withoutResponse).compatible())
                .isTrue();

        registry.setCompatibility(subject, CompatibilityLevel.FULL);
        assertThat(registry.compatibility(subject)).isEqualTo(CompatibilityLevel.FULL);
        assertThatThrownBy(() -> registry.register(subject, withoutResponse))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void unknownIdsAndSubjectsAreNotFoundWithConfluentCodes() {
        assertThatThrownBy(() -> registry.schemaById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                });
        assertThatThrownBy(() -> registry.latest("no-such-subject"))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.isNotFound()).isTrue());
        assertThatThrownBy(() -> registry.lookup("no-such-subject", V1))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.isNotFound()).isTrue());
    }

    @Test
    void lookupFindsWhatRegisterReturned(EmbeddedStack stack) {
        int id = registry.register("evolution-lookup-value", V1);
        RestSchemaRegistryClient freshCache = new RestSchemaRegistryClient(
                RegistryClientConfig.from(Map.of("schema.registry.url", stack.schemaRegistryUrl())));
        RegisteredSchema found = freshCache.lookup("evolution-lookup-value", V1);
        assertThat(found.id()).isEqualTo(id);
        assertThat(found.version()).isEqualTo(1);
        assertThat(registry.subjects()).contains("evolution-lookup-value");
    }

    private static Schema withField(Schema base, Schema.Field extra) {
        List<Schema.Field> fields = copyFields(base, null);
        fields.add(extra);
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    private static Schema replaceField(Schema base, String name, Schema.Field replacement) {
        List<Schema.Field> fields = copyFields(base, name);
        if (replacement != null) {
            fields.add(replacement);
        }
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }

    private static List<Schema.Field> copyFields(Schema base, String skip) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            if (!f.name().equals(skip)) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return fields;
    }

    /** The event as a record of the evolved schema, through Avro's own schema resolution. */
    private static GenericRecord asGeneric(GenerationEvent event, Schema evolved) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<GenerationEvent>(V1).write(event, encoder);
            encoder.flush();
            return new GenericDatumReader<GenericRecord>(V1, evolved)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
