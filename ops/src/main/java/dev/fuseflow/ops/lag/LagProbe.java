package dev.fuseflow.ops.lag;

import dev.fuseflow.ops.topics.TopicSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumer lag per group and partition, in records and in seconds. Seconds come from record
 * timestamps: the age of the oldest record a group has not consumed yet (read with a group-less
 * consumer at the committed offset), so a caught-up partition is 0 s late however long it has
 * been idle. Kafka's Admin API has the offsets; nothing reads the seconds for us, hence this class.
 */
public final class LagProbe implements AutoCloseable {

    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final Map<String, Long> previousLag = new HashMap<>();
    private final Map<String, Instant> previousAt = new HashMap<>();

    public LagProbe(Map<String, Object> clientConfig) {
        this.admin = Admin.create(clientConfig);
        Map<String, Object> readerConfig = TopicSnapshot.readerConfig(clientConfig);
        readerConfig.put("max.poll.records", 1);
        this.reader = new KafkaConsumer<>(readerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Groups whose id starts with {@code prefix} (all when empty). */
    public List<String> groups(String prefix) throws ExecutionException, InterruptedException {
        Collection<ConsumerGroupListing> listings =
                admin.listConsumerGroups().all().get();
        return listings.stream()
                .map(ConsumerGroupListing::groupId)
                .filter(id -> id.startsWith(prefix))
                .sorted()
                .toList();
    }

    /** The lag of every partition each group has committed offsets for, sorted by group, topic, partition. */
    public List<PartitionLag> lag(List<String> groups) throws ExecutionException, InterruptedException {
        List<PartitionLag> all = new ArrayList<>();
        Instant now = Instant.now();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            committed.values().removeIf(Objects::isNull);
            if (committed.isEmpty()) {
                continue;
            }
            Map<TopicPartition, Long> ends = admin
                    .listOffsets(
                            committed.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all()
                    .get()
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                TopicPartition tp = e.getKey();
                long at = e.getValue().offset();
                long end = ends.getOrDefault(tp, at);
                long records = Math.max(0, end - at);
                double seconds = records == 0 ? 0 : oldestUnconsumedAgeSeconds(tp, at, end, now);
                all.add(new PartitionLag(
                        group, tp.topic(), tp.partition(), at, end, records, seconds, trend(group, tp, records, now)));
            }
        }
        all.sort(Comparator.comparing(PartitionLag::group)
                .thenComparing(PartitionLag::topic)
                .thenComparingInt(PartitionLag::partition));
        return all;
    }

    private double trend(String group, TopicPartition tp, long records, Instant now) {
        String key = group + "/" + tp;
        Long before = previousLag.put(key, records);
        Instant then = previousAt.put(key, now);
        if (before == null || then == null || !now.isAfter(then)) {
            return Double.NaN;
        }
        return (records - before) * 60_000.0 / Duration.between(then, now).toMillis();
    }

    /**
     * Age of the first record at or after {@code offset} and before {@code end}. Transaction markers have offsets but
     * no records: an exactly-once consumer commits the offset of the marker that follows its last record, so a group
     * that is caught up can lag by one offset with nothing in it to consume, which is 0 s late. NaN when nothing
     * arrives in time.
     */
    private double oldestUnconsumedAgeSeconds(TopicPartition tp, long offset, long end, Instant now) {
        reader.assign(List.of(tp));
        reader.seek(tp, offset);
        long deadline = System.nanoTime() + FETCH_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                return record.offset() < end ? Math.max(0, now.toEpochMilli() - record.timestamp()) / 1000.0 : 0;
            }
            if (reader.position(tp) >= end) {
                return 0;
            }
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        reader.close();
        admin.close();
    }
}
