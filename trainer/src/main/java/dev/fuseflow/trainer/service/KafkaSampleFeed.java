package dev.fuseflow.trainer.service;

import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.trainer.data.WrpoExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The preference topic as micro-batches: read_committed, no auto-commit. On each assignment the
 * consumer is positioned from the training checkpoint, not from Kafka's committed offsets: the
 * checkpoint is the truth, Kafka's commit only follows it (for lag monitoring).
 */
final class SampleSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SampleSource.class);

    private final Consumer<String, byte[]> consumer;
    private final SampleIntake intake;
    private final List<ConsumedSample> buffered = new ArrayList<>();

    SampleSource(SampleIntake intake, String topic, Map<TopicPartition, Long> resumeAt) {
        this.intake = intake;
        this.consumer = intake.consumer();
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Samples fetched but not trained are dropped: the next owner starts from the checkpoint.
                buffered.removeIf(s -> partitions.contains(s.partition()));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                for (TopicPartition partition : partitions) {
                    Long offset = resumeAt.get(partition);
                    if (offset != null) {
                        consumer.seek(partition, offset);
                    } else {
                        consumer.seekToBeginning(List.of(partition));
                    }
                }
            }
        });
    }

    /** Up to {@code size} samples, waiting at most {@code maxWait} for the first ones; possibly fewer, possibly none. */
    List<ConsumedSample> next(int size, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (buffered.size() < size && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(
                    Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000))))) {
                // A poisoned record keeps its place (example null): its offset is passed only when its turn comes.
                buffered.add(new ConsumedSample(intake.decode(r).map(SampleSource::example).orElse(null),
                        new TopicPartition(r.topic(), r.partition()), r.offset(), r.timestamp()));
            }
        }
        List<ConsumedSample> batch = new ArrayList<>(buffered.subList(0, Math.min(size, buffered.size())));
        buffered.subList(0, batch.size()).clear();
        return batch;
    }

    /** Samples between the consumer's position and the end of its partitions, as of the last fetch (no broker round trip). */
    long lag() {
        long total = 0;
        for (TopicPartition partition : consumer.assignment()) {
            total += consumer.currentLag(partition).orElse(0);
        }
        return total + buffered.size();
    }

    /** Tells Kafka how far training got (after the checkpoint that covers it is durable). */
    void commit(Map<TopicPartition, Long> offsets) {
        try {
            consumer.commitSync(offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                    e -> new OffsetAndMetadata(e.getValue()))));
        } catch (RetriableException | org.apache.kafka.common.errors.RebalanceInProgressException e) {
            // The checkpoint holds the truth; Kafka's copy is for lag monitoring and catches up at the next checkpoint.
            LOG.warn("committing offsets to Kafka failed ({}); the checkpoint is durable, the next one commits again", e.toString());
        }
    }

    static WrpoExample example(PreferenceSample s) {
        List<ChatMessage> prompt = new ArrayList<>(s.getPrompt());
        return new WrpoExample(s.getSampleId(), prompt, s.getSourceChosen().getText(), s.getTargetChosen().getText(),
                s.getTargetRejected().getText(), s.getWeight());
    }

    @Override
    public void close() {
        intake.close();
    }
}
