package dev.fuseflow.producers.client;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.FeedbackGiver;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.GiverKind;
import dev.fuseflow.schemas.avro.ModelRef;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.Rating;
import dev.fuseflow.schemas.avro.RewardScore;
import dev.fuseflow.schemas.avro.Thumbs;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.validation.EventValidator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * How a JVM app tells FuseFlow what its models answered and how the answers were judged. Every
 * event is checked against the contract before it is sent (an {@link IllegalArgumentException}
 * names the field and the problem) and keyed by prompt id, as the stream processors require.
 *
 * <pre>{@code
 * try (FeedbackClient client = FeedbackClient.builder().bootstrapServers("kafka:9092")
 *         .schemaRegistryUrl("http://registry:8081").clientId("chat-app").build()) {
 *     GenerationEvent answer = FeedbackClient.generation("prompt-17", List.of(FeedbackClient.user("What is 2+2?")),
 *             "4", FeedbackClient.target("my-model", 3));
 *     client.send(answer);
 *     client.thumbs("prompt-17", answer.getEventId(), true, FeedbackClient.endUser("u-42"));
 * }
 * }</pre>
 *
 * <p>Sends are asynchronous: each returns a future of the broker's acknowledgement. The producer is
 * idempotent with acks=all, so a retry after a broker failure never writes an event twice. When
 * the broker is down, a send waits at most {@code maxBlock} for metadata or buffer space, then
 * fails its future; a pending event is retried until {@code deliveryTimeout}. {@link #flush()} and
 * {@link #close()} deliver or fail every pending event.
 */
public final class FeedbackClient implements AutoCloseable {

    private final Producer<String, SpecificRecord> producer;
    private final EventValidator validator;
    private final FuseFlowTopics topics;
    private final ClientMetrics metrics;
    private final Duration closeTimeout;

    FeedbackClient(
            Producer<String, SpecificRecord> producer,
            EventValidator validator,
            FuseFlowTopics topics,
            MeterRegistry registry,
            String clientId,
            Duration closeTimeout) {
        this.producer = producer;
        this.validator = validator;
        this.topics = topics;
        this.metrics = new ClientMetrics(registry, clientId);
        metrics.bindProducer(producer);
        this.closeTimeout = closeTimeout;
    }

    public static FeedbackClientBuilder builder() {
        return new FeedbackClientBuilder();
    }

    static FeedbackClient create(
            Map<String, Object> config,
            EventValidator validator,
            FuseFlowTopics topics,
            MeterRegistry registry,
            String clientId,
            Duration closeTimeout) {
        return new FeedbackClient(new KafkaProducer<>(config), validator, topics, registry, clientId, closeTimeout);
    }

    /** Records what a model answered; its {@code eventId} is the generation id that feedback refers to. */
    public CompletableFuture<RecordMetadata> send(GenerationEvent generation) {
        if (generation == null) {
            throw new IllegalArgumentException("generation is missing (null)");
        }
        validator.check(generation.getPromptId(), generation).ifPresent(FeedbackClient::refuse);
        return send(topics.generations().name(), generation.getPromptId(), generation);
    }

    /** Records a judgement of a generation. */
    public CompletableFuture<RecordMetadata> send(FeedbackEvent feedback) {
        if (feedback == null) {
            throw new IllegalArgumentException("feedback is missing (null)");
        }
        validator.check(feedback.getPromptId(), feedback).ifPresent(FeedbackClient::refuse);
        return send(topics.feedback().name(), feedback.getPromptId(), feedback);
    }

    /** A rating on a scale, e.g. 4 of 1 to 5 stars. */
    public CompletableFuture<RecordMetadata> rating(
            String promptId, String generationId, double value, double scaleMin, double scaleMax, FeedbackGiver giver) {
        return send(feedback(promptId, generationId, new Rating(value, scaleMin, scaleMax), giver));
    }

    public CompletableFuture<RecordMetadata> thumbs(
            String promptId, String generationId, boolean up, FeedbackGiver giver) {
        return send(feedback(promptId, generationId, new Thumbs(up), giver));
    }

    /** One response preferred over another for the same prompt. */
    public CompletableFuture<RecordMetadata> pairwise(
            String promptId, String preferredGenerationId, String otherGenerationId, FeedbackGiver giver) {
        return send(feedback(
                promptId, preferredGenerationId, new PairwiseChoice(preferredGenerationId, otherGenerationId), giver));
    }

    /** A reward model's or grader's score; {@code scorer} names it (and its version). */
    public CompletableFuture<RecordMetadata> rewardScore(
            String promptId, String generationId, double score, String scorer) {
        return send(feedback(
                promptId,
                generationId,
                new RewardScore(score, scorer),
                FeedbackGiver.newBuilder()
                        .setKind(GiverKind.REWARD_MODEL)
                        .setId(scorer)
                        .build()));
    }

    /** Waits until every event sent so far is acknowledged or has failed. */
    public void flush() {
        producer.flush();
    }

    /** Delivers or fails every pending event (waiting at most the configured close timeout), then releases the producer. */
    @Override
    public void close() {
        producer.close(closeTimeout);
        metrics.close();
    }

    // Event factories: what most apps need, with a random event id and the current time.

    public static GenerationEvent generation(
            String promptId, List<ChatMessage> prompt, String response, ModelRef model) {
        return GenerationEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPromptId(promptId)
                .setPrompt(prompt)
                .setResponse(response)
                .setModel(model)
                .setCreatedAt(Instant.now())
                .setAttributes(Map.of())
                .build();
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(ChatRole.USER, content);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(ChatRole.SYSTEM, content);
    }

    /** One of the strong models whose strengths the target absorbs. */
    public static ModelRef source(String name) {
        return new ModelRef(name, ModelRole.SOURCE, null);
    }

    /** The model being trained, at the published version that answered. */
    public static ModelRef target(String name, long version) {
        return new ModelRef(name, ModelRole.TARGET, version);
    }

    /** @param id a stable pseudonymous id, or null when anonymous */
    public static FeedbackGiver endUser(String id) {
        return new FeedbackGiver(GiverKind.END_USER, id);
    }

    public static FeedbackGiver annotator(String id) {
        return new FeedbackGiver(GiverKind.ANNOTATOR, id);
    }

    private static FeedbackEvent feedback(String promptId, String generationId, Object signal, FeedbackGiver giver) {
        return FeedbackEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setPromptId(promptId)
                .setGenerationId(generationId)
                .setSignal(signal)
                .setGiver(giver)
                .setCreatedAt(Instant.now())
                .setAttributes(Map.of())
                .build();
    }

    private static void refuse(EventValidator.Violation violation) {
        throw new IllegalArgumentException(violation.message());
    }

    private CompletableFuture<RecordMetadata> send(String topic, String key, SpecificRecord event) {
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        long started = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, key, event), (metadata, error) -> {
                if (error == null) {
                    metrics.sent(topic, metadata.serializedValueSize(), System.nanoTime() - started);
                    acknowledged.complete(metadata);
                } else {
                    metrics.failed(topic, error);
                    acknowledged.completeExceptionally(error);
                }
            });
        } catch (KafkaException e) {
            // Raised in the caller's thread: metadata or buffer space not available within max.block.ms,
            // or a record the serializer refused.
            metrics.failed(topic, e);
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }
}
