package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.deadletter.DeadLetters;
import dev.fuseflow.schemas.deadletter.DeadLetters.FailedRecord;
import dev.fuseflow.streams.deadletter.DeadLetterHandler;
import dev.fuseflow.streams.scoring.NamedResponses;
import dev.fuseflow.streams.state.StoredFeedback;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The dead letters the aggregator writes itself, to the dead-letter sink in the task's
 * transaction: feedback whose responses never arrived, and samples too large to send. The
 * events it rejects outright (LATE, too many per prompt) are thrown instead, for the
 * {@link DeadLetterHandler}, which has their original bytes.
 */
final class PromptDeadLetters {

    private static final String STAGE = DeadLetterHandler.STAGE_PREFIX + PreferenceTopology.AGGREGATOR;

    private final TopologySettings settings;
    private final Serializer<FeedbackEvent> feedbackSerializer;
    private final ProcessorContext<String, Object> context;
    private final Map<DeadLetterReason, Counter> written = new EnumMap<>(DeadLetterReason.class);

    PromptDeadLetters(
            TopologySettings settings,
            Serializer<FeedbackEvent> feedbackSerializer,
            ProcessorContext<String, Object> context,
            MeterRegistry meters) {
        this.settings = settings;
        this.feedbackSerializer = feedbackSerializer;
        this.context = context;
        for (DeadLetterReason reason : List.of(DeadLetterReason.UNKNOWN_REFERENCE, DeadLetterReason.TOO_LARGE)) {
            written.put(reason, meters.counter("fuseflow_dlq_records", "stage", STAGE, "reason", reason.name()));
        }
    }

    /** Feedback naming a response that did not arrive within the reference window, each with its bytes and source. */
    void unresolved(String promptId, List<StoredFeedback> unresolved) {
        String feedbackTopic = settings.topics().feedback().name();
        for (StoredFeedback stored : unresolved) {
            FeedbackEvent f = stored.event();
            String missing =
                    NamedResponses.of(f).stream().map(id -> "'" + id + "'").collect(Collectors.joining(" and "));
            FailedRecord source = new FailedRecord(
                    feedbackTopic,
                    stored.partition(),
                    stored.offset(),
                    stored.timestamp(),
                    key(promptId),
                    feedbackSerializer.serialize(feedbackTopic, f),
                    null);
            send(
                    promptId,
                    stored.timestamp(),
                    source,
                    DeadLetterReason.UNKNOWN_REFERENCE,
                    "feedback " + f.getEventId()
                            + " names response " + missing + " of prompt '" + promptId
                            + "', which did not arrive within "
                            + settings.referenceWindow());
        }
    }

    /** A sample the broker would refuse: recorded as a dead letter (without the sample) instead of sent. */
    void oversized(String promptId, PreferenceSample sample, int size) {
        FailedRecord record = context.recordMetadata()
                .map(source -> new FailedRecord(
                        source.topic(), source.partition(), source.offset(), null, key(promptId), null, null))
                .orElseGet(() -> new FailedRecord(null, null, null, null, key(promptId), null, null));
        send(
                promptId,
                context.currentStreamTimeMs(),
                record,
                DeadLetterReason.TOO_LARGE,
                "sample " + sample.getSampleId()
                        + " of prompt '" + promptId + "' has " + size
                        + " bytes, above fuseflow.limits.max-output-bytes "
                        + settings.maxOutputBytes() + "; it was not sent");
    }

    private void send(String promptId, long timestamp, FailedRecord record, DeadLetterReason reason, String message) {
        DeadLetter letter = DeadLetters.builder(
                        record, STAGE, reason, message, null, Instant.ofEpochMilli(context.currentStreamTimeMs()))
                .setProcessorNode(PreferenceTopology.AGGREGATOR)
                .setTaskId(context.taskId().toString())
                .build();
        context.forward(new Record<String, Object>(promptId, letter, timestamp), PreferenceTopology.DEAD_LETTERS_SINK);
        written.get(reason).increment();
    }

    private static byte[] key(String promptId) {
        return promptId.getBytes(StandardCharsets.UTF_8);
    }
}
