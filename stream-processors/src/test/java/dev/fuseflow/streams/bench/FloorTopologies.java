package dev.fuseflow.streams.bench;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.validation.EventValidator;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Lower bounds for the preference topology, measured beside it (-Dbench.floors=true): what
 * decoding and validating the events costs alone; with the least a conforming topology must also
 * do, each event appended to its prompt's entry in a cached, changelogged RocksDB store (what the
 * topology's store does) and one output record per prompt (the entry's bytes, once the prompt's
 * sixth event arrives: the benchmark's prompts have six, and the sixth completes their sample);
 * and with the other layout of such a store, each event under a key of its own (written once, never
 * rewritten; no output). No scoring. They tell how much of the topology's cost its own logic is,
 * and what any design with such a store cannot go below.
 */
final class FloorTopologies {

    static final String STATE_STORE = "floor-state";
    static final String OUTPUT_TOPIC = "bench.floor-out";
    /** Events of each of the benchmark's good prompts ({@code Workload}): the last one completes its sample. */
    private static final int EVENTS_PER_PROMPT = 6;

    private FloorTopologies() {}

    /** How the floor keeps the events. */
    enum Layout {
        NONE,
        APPEND_AND_EMIT_PER_PROMPT,
        KEY_PER_EVENT
    }

    static Topology build(FuseFlowTopics topics, Map<String, ?> serdeConfig, Layout layout) {
        boolean withState = layout != Layout.NONE;
        Topology topology = new Topology();
        topology.addSource(
                "events",
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(),
                topics.generations().name(),
                topics.feedback().name());
        topology.addProcessor("decode", () -> new Decode(topics, serdeConfig, layout), "events");
        if (layout == Layout.APPEND_AND_EMIT_PER_PROMPT) {
            topology.addSink(
                    "out",
                    OUTPUT_TOPIC,
                    Serdes.String().serializer(),
                    Serdes.ByteArray().serializer(),
                    "decode");
        }
        if (withState) {
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                                    Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), Serdes.ByteArray())
                            .withCachingEnabled(),
                    "decode");
        }
        return topology;
    }

    private static final class Decode implements Processor<String, byte[], String, byte[]> {

        private final String generationsTopic;
        private final KafkaAvroDeserializer<GenerationEvent> generations =
                new KafkaAvroDeserializer<>(GenerationEvent.class);
        private final KafkaAvroDeserializer<FeedbackEvent> feedback = new KafkaAvroDeserializer<>(FeedbackEvent.class);
        private final EventValidator validator = new EventValidator(2_000);
        private final Layout layout;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> store;

        Decode(FuseFlowTopics topics, Map<String, ?> serdeConfig, Layout layout) {
            this.generationsTopic = topics.generations().name();
            this.layout = layout;
            generations.configure(serdeConfig, false);
            feedback.configure(serdeConfig, false);
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            store = layout == Layout.NONE ? null : context.getStateStore(STATE_STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            String topic = context.recordMetadata().orElseThrow().topic();
            boolean valid;
            try {
                valid = topic.equals(generationsTopic)
                        ? validator
                                .check(record.key(), generations.deserialize(topic, record.value()))
                                .isEmpty()
                        : validator
                                .check(record.key(), feedback.deserialize(topic, record.value()))
                                .isEmpty();
            } catch (RuntimeException undeserializable) {
                valid = false;
            }
            if (!valid) {
                return;
            }
            if (layout == Layout.KEY_PER_EVENT) {
                store.put(
                        topic + "/" + record.key() + "/"
                                + context.recordMetadata().orElseThrow().offset(),
                        record.value());
            } else if (layout == Layout.APPEND_AND_EMIT_PER_PROMPT) {
                // The entry: a count of events, then their bytes one after the other.
                byte[] before = store.get(record.key());
                byte[] after = before == null
                        ? new byte[1 + record.value().length]
                        : Arrays.copyOf(before, before.length + record.value().length);
                System.arraycopy(record.value(), 0, after, after.length - record.value().length, record.value().length);
                after[0] = (byte) (before == null ? 1 : before[0] + 1);
                store.put(record.key(), after);
                if (after[0] == EVENTS_PER_PROMPT) {
                    context.forward(record.withValue(Arrays.copyOfRange(after, 1, after.length)));
                }
            }
        }

        @Override
        public void close() {
            generations.close();
            feedback.close();
        }
    }
}
