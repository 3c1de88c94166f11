package dev.fuseflow.schemas.validation;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.GiverKind;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.avro.Rating;
import dev.fuseflow.schemas.avro.RewardScore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The contract rules an event must meet before it may influence a sample, shared by everything
 * that checks them: the producers refuse such an event before sending it, the stream processors
 * dead-letter it. Each violation names the field and the problem; the first one found is reported.
 */
public final class EventValidator {

    /**
     * Largest id or name (eventId, promptId, generationId, a choice's ids, giver.id, model.name,
     * signal.scorer) in UTF-8 bytes: ids become record keys and join keys, and live in state stores.
     */
    public static final int MAX_ID_BYTES = 256;

    /** How far ahead of the wall clock a createdAt may lie unless the component says otherwise. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    private final int maxTextBytes;
    private final Duration maxFutureSkew;
    private final Clock clock;

    /** @param maxTextBytes largest response, and largest prompt (all messages), in UTF-8 bytes */
    public EventValidator(int maxTextBytes) {
        this(maxTextBytes, DEFAULT_MAX_FUTURE_SKEW, Clock.systemUTC());
    }

    /**
     * @param maxTextBytes  largest response, and largest prompt (all messages), in UTF-8 bytes
     * @param maxFutureSkew how far ahead of {@code clock} a createdAt may lie (a producer's clock that is wrong)
     */
    public EventValidator(int maxTextBytes, Duration maxFutureSkew, Clock clock) {
        this.maxFutureSkew = Objects.requireNonNull(maxFutureSkew, "max future skew");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("the future skew allowed must not be negative, got " + maxFutureSkew);
        }
        if (maxTextBytes < 1) {
            throw new IllegalArgumentException("maximum text size must be at least 1 byte, got " + maxTextBytes);
        }
        this.maxTextBytes = maxTextBytes;
    }

    /** What is wrong, as the dead-letter reason code and a message that starts with the field's path. */
    public record Violation(DeadLetterReason reason, String message) {

        /** The field's path, the message's first word ({@code signal.value}, {@code prompt[0].role}). */
        public String field() {
            int space = message.indexOf(' ');
            return space > 0 ? message.substring(0, space) : message;
        }
    }

    public Optional<Violation> check(String key, GenerationEvent g) {
        if (g == null) {
            return violation(
                    DeadLetterReason.MISSING_FIELD,
                    "the record has no value (a tombstone); a GenerationEvent was expected");
        }
        return first(
                ids(key, g.getEventId(), g.getPromptId()),
                prompt(g.getPrompt()),
                blank("response", g.getResponse()),
                tooLarge("response", utf8Length(g.getResponse())),
                blank("model.name", g.getModel().getName()),
                idTooLarge("model.name", g.getModel().getName()),
                model(g),
                notAhead(g.getCreatedAt()));
    }

    public Optional<Violation> check(String key, FeedbackEvent f) {
        if (f == null) {
            return violation(
                    DeadLetterReason.MISSING_FIELD,
                    "the record has no value (a tombstone); a FeedbackEvent was expected");
        }
        return first(
                ids(key, f.getEventId(), f.getPromptId()),
                blank("generationId", f.getGenerationId()),
                idTooLarge("generationId", f.getGenerationId()),
                idTooLarge("giver.id", f.getGiver().getId()),
                f.getGiver().getKind() == GiverKind.UNKNOWN
                        ? violation(
                                DeadLetterReason.INVALID_VALUE,
                                "giver.kind is UNKNOWN: a kind this version does not know")
                        : Optional.empty(),
                signal(f),
                notAhead(f.getCreatedAt()));
    }

    /**
     * The contract rules of a sample: the stream processors emit only samples that obey them, and the
     * trainer applies them again to what it reads (a producer other than ours may write the topic). The
     * record key is not checked: the sample id identifies a sample.
     */
    public Optional<Violation> check(PreferenceSample s) {
        if (s == null) {
            return violation(
                    DeadLetterReason.MISSING_FIELD,
                    "the record has no value (a tombstone); a PreferenceSample was expected");
        }
        return first(
                blank("sampleId", s.getSampleId()),
                blank("promptId", s.getPromptId()),
                prompt(s.getPrompt()),
                response(
                        "sourceChosen",
                        s.getSourceChosen().getText(),
                        s.getSourceChosen().getReward()),
                response(
                        "targetChosen",
                        s.getTargetChosen().getText(),
                        s.getTargetChosen().getReward()),
                response(
                        "targetRejected",
                        s.getTargetRejected().getText(),
                        s.getTargetRejected().getReward()),
                weight(s.getWeight()));
    }

    private Optional<Violation> response(String field, String text, double reward) {
        return first(
                blank(field + ".text", text),
                tooLarge(field + ".text", utf8Length(text)),
                finite(field + ".reward", reward));
    }

    private static Optional<Violation> weight(double weight) {
        if (!Double.isFinite(weight)) {
            return violation(
                    DeadLetterReason.NON_FINITE_NUMBER,
                    "weight is " + weight + "; it must be a finite number in (0, 1]");
        }
        return weight <= 0 || weight > 1
                ? violation(DeadLetterReason.OUT_OF_RANGE, "weight is " + weight + "; it must be in (0, 1]")
                : Optional.empty();
    }

    private Optional<Violation> ids(String key, String eventId, String promptId) {
        return first(
                blank("eventId", eventId),
                blank("promptId", promptId),
                idTooLarge("eventId", eventId),
                idTooLarge("promptId", promptId),
                key == null
                        ? violation(
                                DeadLetterReason.MISSING_FIELD, "the record key is missing; it must be the promptId")
                        : Optional.empty(),
                key != null && !key.equals(promptId)
                        ? violation(
                                DeadLetterReason.INVALID_VALUE,
                                "the record key '" + key + "' differs from promptId '" + promptId
                                        + "'; producers must key by promptId")
                        : Optional.empty());
    }

    private Optional<Violation> prompt(List<ChatMessage> prompt) {
        if (prompt.isEmpty()) {
            return violation(DeadLetterReason.BLANK_FIELD, "prompt is empty: it needs at least one message");
        }
        long bytes = 0;
        for (int i = 0; i < prompt.size(); i++) {
            ChatMessage message = prompt.get(i);
            if (message.getRole() == ChatRole.UNKNOWN) {
                return violation(
                        DeadLetterReason.INVALID_VALUE,
                        "prompt[" + i + "].role is UNKNOWN: a role this version does not know");
            }
            Optional<Violation> blank = blank("prompt[" + i + "].content", message.getContent());
            if (blank.isPresent()) {
                return blank;
            }
            bytes += utf8Length(message.getContent());
        }
        return tooLarge("prompt", bytes);
    }

    private static Optional<Violation> model(GenerationEvent g) {
        ModelRole role = g.getModel().getRole();
        Long version = g.getModel().getTargetVersion();
        if (role == ModelRole.UNKNOWN) {
            return violation(DeadLetterReason.INVALID_VALUE, "model.role is UNKNOWN: it must be SOURCE or TARGET");
        }
        if (role == ModelRole.TARGET && version == null) {
            return violation(
                    DeadLetterReason.MISSING_FIELD, "model.targetVersion is required when model.role is TARGET");
        }
        if (version != null && version < 0) {
            return violation(DeadLetterReason.INVALID_VALUE, "model.targetVersion must be >= 0, got " + version);
        }
        return Optional.empty();
    }

    private static Optional<Violation> signal(FeedbackEvent f) {
        Object signal = f.getSignal();
        if (signal instanceof RewardScore score) {
            return first(
                    finite("signal.score", score.getScore()),
                    blank("signal.scorer", score.getScorer()),
                    idTooLarge("signal.scorer", score.getScorer()));
        }
        if (signal instanceof Rating rating) {
            return rating(rating);
        }
        if (signal instanceof PairwiseChoice choice) {
            return pairwise(f.getGenerationId(), choice);
        }
        return Optional.empty();
    }

    private static Optional<Violation> rating(Rating r) {
        Optional<Violation> nonFinite = first(
                finite("signal.value", r.getValue()),
                finite("signal.scaleMin", r.getScaleMin()),
                finite("signal.scaleMax", r.getScaleMax()));
        if (nonFinite.isPresent()) {
            return nonFinite;
        }
        if (r.getScaleMax() <= r.getScaleMin()) {
            return violation(
                    DeadLetterReason.INVALID_VALUE,
                    "signal.scaleMax " + r.getScaleMax() + " must exceed signal.scaleMin " + r.getScaleMin());
        }
        if (r.getValue() < r.getScaleMin() || r.getValue() > r.getScaleMax()) {
            return violation(
                    DeadLetterReason.OUT_OF_RANGE,
                    "signal.value " + r.getValue() + " lies outside the rating scale [" + r.getScaleMin() + ", "
                            + r.getScaleMax() + "]");
        }
        return Optional.empty();
    }

    private static Optional<Violation> pairwise(String generationId, PairwiseChoice c) {
        Optional<Violation> blank = first(
                blank("signal.preferredGenerationId", c.getPreferredGenerationId()),
                blank("signal.otherGenerationId", c.getOtherGenerationId()),
                idTooLarge("signal.preferredGenerationId", c.getPreferredGenerationId()),
                idTooLarge("signal.otherGenerationId", c.getOtherGenerationId()));
        if (blank.isPresent()) {
            return blank;
        }
        if (c.getPreferredGenerationId().equals(c.getOtherGenerationId())) {
            return violation(
                    DeadLetterReason.INVALID_VALUE,
                    "signal.preferredGenerationId and signal.otherGenerationId are both '" + c.getOtherGenerationId()
                            + "': a choice needs two responses");
        }
        if (!generationId.equals(c.getPreferredGenerationId())) {
            return violation(
                    DeadLetterReason.INVALID_VALUE,
                    "generationId '" + generationId + "' must name the preferred response '"
                            + c.getPreferredGenerationId() + "' of a pairwise choice");
        }
        return Optional.empty();
    }

    private Optional<Violation> notAhead(Instant createdAt) {
        Instant limit = clock.instant().plus(maxFutureSkew);
        return createdAt != null && createdAt.isAfter(limit)
                ? violation(
                        DeadLetterReason.FUTURE_TIMESTAMP,
                        "createdAt " + createdAt + " is more than " + maxFutureSkew + " ahead of the wall clock ("
                                + clock.instant() + "): the producer's clock is wrong")
                : Optional.empty();
    }

    private Optional<Violation> tooLarge(String field, long bytes) {
        return bytes > maxTextBytes
                ? violation(
                        DeadLetterReason.TOO_LARGE,
                        field + " has " + bytes + " bytes, above the limit of " + maxTextBytes)
                : Optional.empty();
    }

    private static Optional<Violation> idTooLarge(String field, String id) {
        long bytes = utf8Length(id);
        return bytes > MAX_ID_BYTES
                ? violation(
                        DeadLetterReason.TOO_LARGE,
                        field + " has " + bytes + " bytes, above the limit of " + MAX_ID_BYTES + " for ids and names")
                : Optional.empty();
    }

    private static Optional<Violation> blank(String field, String value) {
        return value == null || value.isBlank()
                ? violation(DeadLetterReason.BLANK_FIELD, field + " is " + (value == null ? "missing" : "blank"))
                : Optional.empty();
    }

    private static Optional<Violation> finite(String field, double value) {
        return Double.isFinite(value)
                ? Optional.empty()
                : violation(
                        DeadLetterReason.NON_FINITE_NUMBER, field + " is " + value + "; it must be a finite number");
    }

    private static Optional<Violation> violation(DeadLetterReason reason, String message) {
        return Optional.of(new Violation(reason, message));
    }

    @SafeVarargs
    private static Optional<Violation> first(Optional<Violation>... checks) {
        for (Optional<Violation> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }

    private static long utf8Length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
