package dev.fuseflow.trainer.service;

import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.training.Cursor;
import dev.fuseflow.trainer.training.FedSample;
import dev.fuseflow.trainer.training.FeedPosition;
import dev.fuseflow.trainer.training.MicroBatch;
import dev.fuseflow.trainer.training.SampleFeed;
import dev.fuseflow.trainer.training.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preference topic as micro-batches: read_committed, no auto-commit. After every assignment
 * (the first, and each rebalance: a broker restart causes one) every assigned partition is
 * positioned where training got, not at Kafka's committed offsets and not where this process
 * started: the checkpoint and the samples trained since are the truth, Kafka's commit only follows
 * the durable checkpoint (for lag monitoring). Whatever was read before such a repositioning, in
 * the buffer or in a micro-batch handed out already, is stale and comes again.
 */
final class KafkaSampleFeed implements SampleFeed {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSampleFeed.class);

    /** A record as read, before it is handed out. */
    private record Read(FedSample sample, TopicPartition partition, long offset) {}

    private final Consumer<String, byte[]> consumer;
    private final SampleIntake intake;
    private final int size;
    private final Duration maxWait;
    private final List<Read> buffered = new ArrayList<>();
    private FeedPosition trained = FeedPosition.start();
    private long repositionings;

    KafkaSampleFeed(SampleIntake intake, String topic, int size, Duration maxWait) {
        this.intake = intake;
        this.consumer = intake.consumer();
        this.size = size;
        this.maxWait = maxWait;
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                buffered.removeIf(read -> partitions.contains(read.partition()));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                repositionAtTrained();
            }
        });
    }

    /** Every assigned partition back to where training got; what was read before is stale. */
    private void repositionAtTrained() {
        buffered.clear();
        repositionings++;
        for (TopicPartition partition : consumer.assignment()) {
            Long offset = trained.offsets().get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
        LOG.info("partitions {} positioned where training got: {}", consumer.assignment(), trained.offsets());
    }

    /** Up to {@code size} samples, waiting at most {@code maxWait} for them; possibly fewer, possibly none. */
    @Override
    public Optional<MicroBatch> next(Stage stage, FeedPosition trainedSoFar) {
        this.trained = trainedSoFar;
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (buffered.size() < size && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(
                    Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000))))) {
                // A poisoned record keeps its place (no example): its offset is passed only when its turn comes.
                FedSample sample = intake.decode(r)
                        .map(WrpoExample::of)
                        .map(e -> FedSample.of(e, r.timestamp()))
                        .orElseGet(() -> FedSample.unusable(r.timestamp()));
                buffered.add(new Read(sample, new TopicPartition(r.topic(), r.partition()), r.offset()));
            }
        }
        List<Read> taken = new ArrayList<>(buffered.subList(0, Math.min(size, buffered.size())));
        buffered.subList(0, taken.size()).clear();
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        taken.forEach(read -> next.merge(read.partition(), read.offset() + 1, Math::max));
        return Optional.of(new MicroBatch(
                taken.stream().map(Read::sample).toList(), new Cursor.Offsets(next, repositionings), false, false));
    }

    @Override
    public boolean isCurrent(MicroBatch batch) {
        return ((Cursor.Offsets) batch.after()).assignment() == repositionings;
    }

    /** Samples between the consumer's position and the end of its partitions, as of the last fetch (no broker round trip). */
    @Override
    public long lag() {
        long total = 0;
        for (TopicPartition partition : consumer.assignment()) {
            total += consumer.currentLag(partition).orElse(0);
        }
        return total + buffered.size();
    }

    /** Tells Kafka how far training got, now that the checkpoint that covers it is durable. */
    @Override
    public void checkpointed(FeedPosition position) {
        try {
            consumer.commitSync(position.offsets().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))));
        } catch (RetriableException | RebalanceInProgressException e) {
            // The checkpoint holds the truth; Kafka's copy is for lag monitoring and catches up at the next checkpoint.
            LOG.warn(
                    "committing offsets to Kafka failed ({}); the checkpoint is durable, the next one commits again",
                    e.toString());
        }
    }

    @Override
    public void close() {
        intake.close();
    }
}
