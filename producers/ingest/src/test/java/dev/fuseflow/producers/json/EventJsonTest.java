package dev.fuseflow.producers.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.GiverKind;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.Rating;
import dev.fuseflow.schemas.validation.EventValidator;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static final ObjectMapper JSON = EventJson.mapper();
    private final EventJson events = new EventJson(new EventValidator(1_000));

    @Test
    void aGenerationReadsEveryFieldAndFillsIdAndTime() throws Exception {
        GenerationEvent g = events.generation(
                JSON.readTree("{\"promptId\":\"p\",\"prompt\":[{\"role\":\"system\",\"content\":\"s\"},"
                        + "{\"role\":\"USER\",\"content\":\"q\"}],\"response\":\"a\","
                        + "\"model\":{\"name\":\"m\",\"role\":\"target\",\"targetVersion\":3},"
                        + "\"createdAt\":\"2026-11-28T12:00:00Z\",\"attributes\":{\"app\":\"chat\"}}"),
                () -> "new-id");
        assertThat(g.getEventId()).isEqualTo("new-id");
        assertThat(g.getPrompt()).extracting(m -> m.getRole()).containsExactly(ChatRole.SYSTEM, ChatRole.USER);
        assertThat(g.getModel().getRole()).isEqualTo(ModelRole.TARGET);
        assertThat(g.getModel().getTargetVersion()).isEqualTo(3L);
        assertThat(g.getCreatedAt()).isEqualTo(Instant.parse("2026-11-28T12:00:00Z"));
        assertThat(g.getAttributes()).containsEntry("app", "chat");
    }

    @Test
    void feedbackSignalsByType() throws Exception {
        FeedbackEvent rating = events.feedback(
                JSON.readTree("{\"eventId\":\"f\",\"promptId\":\"p\",\"generationId\":\"g\","
                        + "\"signal\":{\"type\":\"rating\",\"value\":4,\"scaleMin\":1,\"scaleMax\":5},\"giver\":{\"kind\":\"end_user\"},"
                        + "\"createdAt\":1764331200000}"),
                () -> "unused");
        assertThat(rating.getSignal()).isEqualTo(new Rating(4.0, 1.0, 5.0));
        assertThat(rating.getGiver().getKind()).isEqualTo(GiverKind.END_USER);
        assertThat(rating.getGiver().getId()).isNull();
        assertThat(rating.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(1764331200000L));
        FeedbackEvent pairwise = events.feedback(
                JSON.readTree("{\"promptId\":\"p\",\"generationId\":\"a\",\"signal\":{\"type\":"
                        + "\"pairwise\",\"preferredGenerationId\":\"a\",\"otherGenerationId\":\"b\"},"
                        + "\"giver\":{\"kind\":\"ANNOTATOR\",\"id\":\"x\"}}"),
                () -> "id");
        assertThat(pairwise.getSignal()).isEqualTo(new PairwiseChoice("a", "b"));
    }

    @Test
    void everyTypeErrorIsReportedWithItsPath() throws Exception {
        assertThatThrownBy(() -> events.generation(
                        JSON.readTree(
                                "{\"promptId\":5,\"prompt\":[{\"role\":\"robot\"}],"
                                        + "\"model\":{\"role\":\"SOURCE\"},\"createdAt\":\"yesterday\",\"attributes\":{\"n\":1}}"),
                        () -> "id"))
                .isInstanceOfSatisfying(
                        InvalidEventJsonException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactly(
                                        "promptId",
                                        "prompt[0].role",
                                        "prompt[0].content",
                                        "response",
                                        "model.name",
                                        "createdAt",
                                        "attributes.n"));
        assertThatThrownBy(() -> events.feedback(
                        JSON.readTree("{\"promptId\":\"p\",\"generationId\":\"g\",\"signal\":{\"type\":\"stars\"},"
                                + "\"giver\":{\"kind\":\"alien\"}}"),
                        () -> "id"))
                .hasMessageContaining(
                        "field 'signal.type' must be one of rating, thumbs, pairwise, rewardScore; was 'stars'")
                .hasMessageContaining(
                        "field 'giver.kind' must be one of END_USER, ANNOTATOR, REWARD_MODEL, AUTOMATED_CHECK; was 'alien'");
        assertThatThrownBy(() -> events.feedback(JSON.readTree("[1]"), () -> "id"))
                .hasMessageContaining("field '$' must be a JSON object");
    }

    @Test
    void wellTypedEventsStillMeetTheContractRules() throws Exception {
        assertThatThrownBy(() -> events.generation(
                        JSON.readTree("{\"promptId\":\"p\",\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],"
                                + "\"response\":\"" + "x".repeat(1_001)
                                + "\",\"model\":{\"name\":\"m\",\"role\":\"SOURCE\"}}"),
                        () -> "id"))
                .isInstanceOfSatisfying(
                        InvalidEventJsonException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(
                                        new FieldError("response", "has 1001 bytes, above the limit of 1000")));
        assertThatThrownBy(() -> events.generation(
                        JSON.readTree("{\"promptId\":\"p\",\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],"
                                + "\"response\":\"a\",\"model\":{\"name\":\"m\",\"role\":\"TARGET\"}}"),
                        () -> "id"))
                .hasMessage("field 'model.targetVersion' is required when model.role is TARGET");
    }

    @Test
    void integersBeyondALongAreRefusedNotWrapped() throws Exception {
        String twoTo64 = "18446744073709551616";
        assertThatThrownBy(() -> events.generation(
                        JSON.readTree("{\"promptId\":\"p\",\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],"
                                + "\"response\":\"a\",\"model\":{\"name\":\"m\",\"role\":\"TARGET\",\"targetVersion\":"
                                + twoTo64 + "},\"createdAt\":" + twoTo64 + "}"),
                        () -> "id"))
                .isInstanceOfSatisfying(
                        InvalidEventJsonException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(
                                        new FieldError(
                                                "model.targetVersion",
                                                "is 18446744073709551616, above the largest integer " + Long.MAX_VALUE),
                                        new FieldError(
                                                "createdAt",
                                                "is 18446744073709551616 epoch milliseconds, beyond any instant")));
        assertThatThrownBy(() -> events.generation(
                        JSON.readTree(
                                "{\"promptId\":\"p\",\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],"
                                        + "\"response\":\"a\",\"model\":{\"name\":\"m\",\"role\":\"TARGET\",\"targetVersion\":2.5}}"),
                        () -> "id"))
                .hasMessage("field 'model.targetVersion' must be an integer, was 2.5");
    }

    @Test
    void idsAboveTheLimitAreRefused() throws Exception {
        String longId = "i".repeat(900_000);
        assertThatThrownBy(() -> events.feedback(
                        JSON.readTree("{\"promptId\":\"p\",\"generationId\":\"" + longId
                                + "\",\"signal\":{\"type\":\"thumbs\",\"up\":true},\"giver\":{\"kind\":\"END_USER\"}}"),
                        () -> "id"))
                .isInstanceOfSatisfying(
                        InvalidEventJsonException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(new FieldError(
                                        "generationId", "has 900000 bytes, above the limit of 256 for ids and names")));
        assertThatThrownBy(() -> events.feedback(
                        JSON.readTree("{\"promptId\":\"p\",\"generationId\":\"g\",\"signal\":{\"type\":\"thumbs\","
                                + "\"up\":true},\"giver\":{\"kind\":\"END_USER\",\"id\":\"" + "u".repeat(257) + "\"}}"),
                        () -> "id"))
                .hasMessage("field 'giver.id' has 257 bytes, above the limit of 256 for ids and names");
    }

    @Test
    void theReaderTakesOneDocumentWithoutDuplicateKeys() {
        assertThatThrownBy(() -> JSON.readTree("{\"a\":1} {\"b\":2}")).hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> JSON.readTree("{\"a\":1}\r{\"b\":2}")).hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> JSON.readTree("{\"a\":1,\"a\":2}")).hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> JSON.readTree("[".repeat(40) + "]".repeat(40))).hasMessageContaining("nesting depth");
    }
}
