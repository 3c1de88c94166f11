package dev.fuseflow.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.SampleRecords;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Every contract through the real broker and the real registry, transactionally. */
@WithEmbeddedStack
class RealBrokerRoundTripTest {

    @Test
    void everyRecordTypeRoundTripsTransactionally(EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(name -> "roundtrip." + name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            // As the catalogue specifies them (runtime's TopicProvisioner does the same for the services).
            admin.createTopics(topics.all().stream()
                            .map(spec -> new NewTopic(
                                            spec.name(), Optional.of(spec.partitions()), spec.replicationFactor())
                                    .configs(spec.configs()))
                            .toList())
                    .all()
                    .get();
        }
        List<SpecificRecord> records = SampleRecords.oneOfEach();
        List<TopicSpec> specs = topics.all();
        Map<String, Object> serdeConfig =
                Map.of("schema.registry.url", stack.schemaRegistryUrl(), "specific.avro.reader", true);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
                producerConfig(stack, "roundtrip"),
                new StringSerializer(),
                configured(new KafkaAvroSerializer<>(), serdeConfig))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < records.size(); i++) {
                assertThat(specs.get(i).valueType()).isEqualTo(records.get(i).getClass());
                producer.send(new ProducerRecord<>(specs.get(i).name(), "key-" + i, records.get(i)));
            }
            producer.commitTransaction();
        }
        for (int i = 0; i < records.size(); i++) {
            List<Object> read = readCommitted(stack, specs.get(i).name(), serdeConfig, 1);
            assertThat(read).containsExactly(records.get(i));
        }
    }

    @Test
    void badBytesOnTheTopicSurfaceWithPartitionAndOffset(EmbeddedStack stack) throws Exception {
        String topic = "roundtrip.bad-bytes";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", stack.schemaRegistryUrl());
        assertThatThrownBy(() -> readCommitted(stack, topic, serdeConfig, 1))
                .isInstanceOfSatisfying(RecordDeserializationException.class, e -> {
                    assertThat(e.topicPartition().topic()).isEqualTo(topic);
                    assertThat(e.offset()).isZero();
                })
                .hasRootCauseMessage("Cannot deserialize the Avro value of topic 'roundtrip.bad-bytes' (8 bytes):"
                        + " unknown magic byte 0x6e (expected 0x00): it was not written in the Confluent wire format");
    }

    static Map<String, Object> producerConfig(EmbeddedStack stack, String transactionalId) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId);
    }

    static <S extends Serializer<T>, T> S configured(S serializer, Map<String, ?> config) {
        serializer.configure(config, false);
        return serializer;
    }

    static List<Object> readCommitted(
            EmbeddedStack stack, String topic, Map<String, Object> serdeConfig, int expected) {
        KafkaAvroDeserializer<Object> deserializer = new KafkaAvroDeserializer<>();
        deserializer.configure(serdeConfig, false);
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "reader-" + topic,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                deserializer)) {
            consumer.subscribe(Set.of(topic));
            List<Object> values = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(300))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
