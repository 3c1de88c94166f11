package dev.fuseflow.schemas;

import dev.fuseflow.schemas.avro.ArtifactKind;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterHeader;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.Evidence;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.FeedbackGiver;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.GiverKind;
import dev.fuseflow.schemas.avro.ModelRef;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.avro.Rating;
import dev.fuseflow.schemas.avro.RewardScore;
import dev.fuseflow.schemas.avro.SourceResponse;
import dev.fuseflow.schemas.avro.TargetResponse;
import dev.fuseflow.schemas.avro.Thumbs;
import dev.fuseflow.schemas.avro.TopicPartitionOffset;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One valid instance of each record type, with every optional part filled, at fixed times. */
public final class SampleRecords {

    public static final Instant AT = Instant.parse("2026-11-28T12:00:00Z");

    private SampleRecords() {}

    public static List<ChatMessage> prompt(int i) {
        return List.of(
                new ChatMessage(ChatRole.SYSTEM, "You are terse."),
                new ChatMessage(ChatRole.USER, "Reverse the string 'abc" + i + "'."));
    }

    public static GenerationEvent generation(int i) {
        return GenerationEvent.newBuilder()
                .setEventId("gen-" + i)
                .setPromptId("prompt-" + i)
                .setPrompt(prompt(i))
                .setResponse(i + "cba")
                .setModel(new ModelRef("target-tiny", ModelRole.TARGET, 3L))
                .setCreatedAt(AT)
                .setAttributes(Map.of("app", "demo", "temperature", "0.7"))
                .build();
    }

    public static FeedbackEvent feedback(int i, Object signal) {
        return FeedbackEvent.newBuilder()
                .setEventId("fb-" + i)
                .setPromptId("prompt-" + i)
                .setGenerationId("gen-" + i)
                .setSignal(signal)
                .setGiver(new FeedbackGiver(GiverKind.END_USER, "user-42"))
                .setCreatedAt(AT)
                .setAttributes(Map.of())
                .build();
    }

    public static List<Object> everySignal() {
        return List.of(
                new Rating(4.0, 1.0, 5.0),
                new Thumbs(true),
                new PairwiseChoice("gen-1", "gen-2"),
                new RewardScore(0.73, "armorm-8b@v0.1"));
    }

    public static PreferenceSample preference(int i) {
        return PreferenceSample.newBuilder()
                .setSampleId("sample-" + i)
                .setPromptId("prompt-" + i)
                .setPrompt(prompt(i))
                .setSourceChosen(
                        new SourceResponse("gen-s-" + i, "The reversed string is '" + i + "cba'.", "big-source", 0.91))
                .setTargetChosen(new TargetResponse("gen-t1-" + i, i + "cba", 3L, 0.55))
                .setTargetRejected(new TargetResponse("gen-t2-" + i, "abc" + i, 3L, -0.40))
                .setWeight(0.8)
                .setEvidence(Evidence.newBuilder()
                        .setSignalCount(5)
                        .setDistinctGivers(3)
                        .setAgreement(0.8)
                        .setRewardGap(1.31)
                        .setFeedbackEventIds(List.of("fb-1", "fb-2", "fb-3", "fb-4", "fb-5"))
                        .setScoringPolicy("default@1")
                        .build())
                .setCreatedAt(AT)
                .build();
    }

    public static DeadLetter deadLetter(int i) {
        return DeadLetter.newBuilder()
                .setOriginalKey(ByteBuffer.wrap(("prompt-" + i).getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {0x7b, 0x22}))
                .setOriginalHeaders(List.of(new DeadLetterHeader("trace", ByteBuffer.wrap(new byte[] {1, 2}))))
                .setSourceTopic("fuseflow.feedback.v1")
                .setSourcePartition(2)
                .setSourceOffset(1234L)
                .setSourceTimestamp(AT)
                .setStage("stream-processors/validate-feedback")
                .setReason(DeadLetterReason.OUT_OF_RANGE)
                .setMessage("signal.value 7.0 lies outside the rating scale [1.0, 5.0]")
                .setProcessorNode("validate-feedback")
                .setTaskId("0_2")
                .setExceptionClass(IllegalArgumentException.class.getName())
                .setExceptionMessage("out of range")
                .setFailedAt(AT)
                .build();
    }

    public static ModelVersion modelVersion(int i) {
        return ModelVersion.newBuilder()
                .setArtifactKind(ArtifactKind.FULL_MODEL)
                .setModelName("target-tiny")
                .setVersion(i)
                .setParentVersion(i - 1L)
                .setArtifactUri("file:///models/target-tiny/v" + i + "/")
                .setArtifactSha256("ab".repeat(32))
                .setTrainerStep(100L * i)
                .setSamplesTrained(1_000L * i)
                .setConsumedOffsets(List.of(new TopicPartitionOffset("fuseflow.preferences.v1", 0, 500L)))
                .setEvalMetrics(Map.of("eval/preference_accuracy", 0.71))
                .setStatus(ModelVersionStatus.PUBLISHED)
                .setStatusReasons(List.of())
                .setCreatedAt(AT)
                .build();
    }

    /** One of each of the five record types of docs/design.md (feedback with a reward score). */
    public static List<SpecificRecord> oneOfEach() {
        return List.of(
                generation(1), feedback(1, new RewardScore(0.73, "rm")), preference(1), deadLetter(1), modelVersion(1));
    }
}
