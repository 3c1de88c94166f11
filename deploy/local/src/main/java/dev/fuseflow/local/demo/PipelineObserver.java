package dev.fuseflow.local.demo;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.avro.TopicPartitionOffset;
import dev.fuseflow.schemas.serde.AvroSerdeConfig;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.publish.EvalBucket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the demo app watches, as an app team's service would: the model-versions topic (which
 * version to serve) and the preferences topic (to measure freshness: a sample's record time to the
 * first published version whose consumed offsets cover it). Both topics are read from the
 * beginning, read_committed, without a consumer group.
 */
final class PipelineObserver implements AutoCloseable {

    /** A sample waiting for the first version that trains on it. */
    private record Pending(long offset, long timestampMillis) {}

    private final KafkaConsumer<String, Object> consumer;
    private final String versionsTopic;
    private final String modelName;
    private final EvalBucket evalBucket;
    private final Map<Integer, Deque<Pending>> pendingByPartition = new HashMap<>();
    private final List<Double> freshnessSeconds = Collections.synchronizedList(new ArrayList<>());
    private final Deque<ModelVersion> published = new ArrayDeque<>();
    private volatile long samplesSeen;
    private volatile long deadLettersSeen;

    @SuppressWarnings({"unchecked", "rawtypes"})
    PipelineObserver(
            String bootstrapServers,
            String registryUrl,
            FuseFlowTopics topics,
            String modelName,
            EvalBucket evalBucket) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                "schema.registry.url",
                registryUrl,
                AvroSerdeConfig.SPECIFIC_AVRO_READER,
                true));
        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(config, false);
        this.consumer = new KafkaConsumer(config, new StringDeserializer(), values);
        this.versionsTopic = topics.modelVersions().name();
        this.modelName = modelName;
        this.evalBucket = evalBucket;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(
                versionsTopic, topics.preferences().name(), topics.deadLetters().name())) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what arrived; returns the PUBLISHED versions of the model among it, oldest first. */
    List<ModelVersion> poll(Duration wait) {
        List<ModelVersion> newlyPublished = new ArrayList<>();
        for (ConsumerRecord<String, Object> record : consumer.poll(wait)) {
            if (record.value() instanceof DeadLetter) {
                deadLettersSeen++;
            } else if (record.value() instanceof PreferenceSample sample) {
                samplesSeen++;
                if (!evalBucket.heldOut(sample.getSampleId().toString())) {
                    pendingByPartition
                            .computeIfAbsent(record.partition(), p -> new ArrayDeque<>())
                            .addLast(new Pending(record.offset(), record.timestamp()));
                }
            } else if (record.topic().equals(versionsTopic)
                    && record.value() instanceof ModelVersion version
                    && version.getModelName().toString().equals(modelName)
                    && version.getStatus() == ModelVersionStatus.PUBLISHED) {
                attributeFreshness(version);
                published.addLast(version);
                newlyPublished.add(version);
            }
        }
        return newlyPublished;
    }

    /** Every pending sample below the version's consumed offsets was trained into it: its freshness ends now. */
    private void attributeFreshness(ModelVersion version) {
        long publishedAt = version.getCreatedAt().toEpochMilli();
        for (TopicPartitionOffset covered : version.getConsumedOffsets()) {
            Deque<Pending> pending = pendingByPartition.getOrDefault(covered.getPartition(), new ArrayDeque<>());
            while (!pending.isEmpty() && pending.peekFirst().offset() < covered.getOffset()) {
                freshnessSeconds.add(
                        Math.max(0, publishedAt - pending.removeFirst().timestampMillis()) / 1000.0);
            }
        }
    }

    long deadLettersSeen() {
        return deadLettersSeen;
    }

    long samplesSeen() {
        return samplesSeen;
    }

    Optional<ModelVersion> newestPublished() {
        return Optional.ofNullable(published.peekLast());
    }

    /** Freshness of every sample attributed so far, in seconds. */
    List<Double> freshness() {
        synchronized (freshnessSeconds) {
            return List.copyOf(freshnessSeconds);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
