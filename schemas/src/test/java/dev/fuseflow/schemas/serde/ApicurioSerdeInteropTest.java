package dev.fuseflow.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.SampleRecords;
import dev.fuseflow.schemas.avro.PreferenceSample;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Interop with a serde nobody here wrote: Apicurio's own Kafka Avro serde, configured for
 * Confluent's framing (magic byte and 4-byte id, no headers), reads what ours writes and ours
 * reads what it writes, through the same registry.
 */
@WithEmbeddedStack
class ApicurioSerdeInteropTest {

    private static final String TOPIC = "interop-preferences";

    @Test
    void apicurioReadsOurBytes(EmbeddedStack stack) {
        PreferenceSample sample = SampleRecords.preference(11);
        KafkaAvroSerializer<PreferenceSample> ours = new KafkaAvroSerializer<>();
        ours.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);

        try (AvroKafkaDeserializer<PreferenceSample> theirs = new AvroKafkaDeserializer<>()) {
            theirs.configure(apicurioConfig(stack), false);
            assertThat(theirs.deserialize(TOPIC, ours.serialize(TOPIC, sample))).isEqualTo(sample);
        }
    }

    @Test
    void weReadApicuriosBytes(EmbeddedStack stack) {
        PreferenceSample sample = SampleRecords.preference(12);
        KafkaAvroDeserializer<PreferenceSample> ours = new KafkaAvroDeserializer<>(PreferenceSample.class);
        ours.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);

        try (AvroKafkaSerializer<PreferenceSample> theirs = new AvroKafkaSerializer<>()) {
            theirs.configure(apicurioConfig(stack), false);
            byte[] bytes = theirs.serialize(TOPIC + "-2", sample);
            assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
            assertThat(ours.deserialize(TOPIC + "-2", bytes)).isEqualTo(sample);
        }
    }

    private static Map<String, Object> apicurioConfig(EmbeddedStack stack) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", stack.registry().baseUrl() + "/apis/registry/v3");
        config.put("apicurio.registry.auto-register", true);
        // Confluent framing: the id travels in the payload, not in headers, as 4 bytes of content id,
        // which is what Apicurio's Confluent-compatible API calls a schema id.
        config.put("apicurio.registry.headers.enabled", false);
        config.put("apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler");
        config.put("apicurio.registry.use-id", "contentId");
        config.put("apicurio.registry.use-specific-avro-reader", true);
        return config;
    }
}
