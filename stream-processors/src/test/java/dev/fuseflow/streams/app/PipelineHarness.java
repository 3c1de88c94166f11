package dev.fuseflow.streams.app;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.serde.KafkaAvroSerializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.streams.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Drives the real application against the real broker and registry: config, workload in, outputs back. */
final class PipelineHarness {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_TEXT_BYTES = 2_000;

    private final EmbeddedStack stack;
    final FuseFlowTopics topics;
    private final KafkaAvroSerializer<SpecificRecord> serializer = new KafkaAvroSerializer<>();

    PipelineHarness(EmbeddedStack stack, String prefix) {
        this.stack = stack;
        this.topics = FuseFlowTopics.defaults().renamed(name -> prefix + "." + name);
        serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
    }

    Map<String, String> settings(Path stateDir, String applicationId) {
        Map<String, String> s = new HashMap<>(StreamProcessorConfig.DEFAULTS);
        s.put("bootstrap.servers", stack.bootstrapServers());
        s.put("schema.registry.url", stack.schemaRegistryUrl());
        s.put("application.id", applicationId);
        s.put("state.dir", stateDir.toString());
        s.put("fuseflow.metrics.port", "0");
        s.put("fuseflow.validation.max-text-bytes", String.valueOf(MAX_TEXT_BYTES));
        s.put("fuseflow.windows.reference", WINDOW.toMillis() + "ms");
        s.put("fuseflow.windows.inactivity", WINDOW.toMillis() + "ms");
        s.put("fuseflow.windows.punctuation-interval", "500ms");
        // A restarted instance waits for its dead predecessor's session to time out: keep that short.
        s.put("kafka.consumer.session.timeout.ms", "6000");
        for (var topic : topics.all()) {
            String kind = topic.name()
                    .substring(
                            topic.name().indexOf("fuseflow.") + "fuseflow.".length(),
                            topic.name().lastIndexOf(".v1"));
            s.put("fuseflow.topics." + kind + ".name", topic.name());
        }
        return s;
    }

    StreamProcessorConfig config(Path stateDir, String applicationId) {
        return StreamProcessorConfig.from(Settings.of(settings(stateDir, applicationId)));
    }

    /** Produces the events in order (idempotently) and returns where each landed. */
    List<RecordMetadata> produce(List<Workload.Event> events) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (Workload.Event e : events) {
                byte[] value = Workload.bytes(e, serializer::serialize);
                sent.add(producer.send(
                        new ProducerRecord<>(e.topic(), null, e.timestamp().toEpochMilli(), e.key(), value)));
            }
        }
        List<RecordMetadata> metadata = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            metadata.add(f.get());
        }
        return metadata;
    }

    /** Reads committed records of a topic until {@code done} holds for what was read, or the timeout. */
    <T> List<ConsumerRecord<String, T>> readUntil(
            String topic,
            Class<T> type,
            Predicate<List<ConsumerRecord<String, T>>> done,
            Duration timeout,
            Duration settle) {
        KafkaAvroDeserializer<T> deserializer = new KafkaAvroDeserializer<>(type);
        deserializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        List<ConsumerRecord<String, T>> records = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "reader-" + topic + "-" + System.nanoTime(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                deserializer)) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A short extra read catches anything that should not be there (duplicates, strays).
            long settled = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settled) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    List<ConsumerRecord<String, PreferenceSample>> samples(int expected, Duration timeout) {
        return readUntil(
                topics.preferences().name(),
                PreferenceSample.class,
                r -> r.size() >= expected,
                timeout,
                Duration.ofSeconds(2));
    }

    /** Returns as soon as {@code atLeast} samples are out, without the settling read. */
    int awaitSamples(int atLeast, Duration timeout) {
        return readUntil(
                        topics.preferences().name(),
                        PreferenceSample.class,
                        r -> r.size() >= atLeast,
                        timeout,
                        Duration.ZERO)
                .size();
    }

    List<ConsumerRecord<String, DeadLetter>> deadLetters(long expected, Duration timeout) {
        return readUntil(
                topics.deadLetters().name(),
                DeadLetter.class,
                r -> r.size() >= expected,
                timeout,
                Duration.ofSeconds(2));
    }
}
