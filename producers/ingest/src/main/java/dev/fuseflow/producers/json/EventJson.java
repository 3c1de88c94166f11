package dev.fuseflow.producers.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import dev.fuseflow.schemas.validation.EventValidator;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * FuseFlow's events as plain JSON, for apps that do not speak Avro (the HTTP gateway) and for
 * files (the importer). Field names are the Avro records'; the signal union becomes an object
 * with a {@code type} ({@code rating}, {@code thumbs}, {@code pairwise}, {@code rewardScore});
 * {@code eventId} and {@code createdAt} (ISO-8601 or epoch milliseconds) may be left out. Every
 * type error is collected with its field path, then the contract rules of {@link EventValidator}
 * run on the result. Written by hand because Avro's own JSON encoding wraps unions
 * ({@code {"double": 4.0}}), which no app would write.
 */
public final class EventJson {

    /** Events nest three levels deep ({@code prompt[0].content}); anything far deeper is not an event. */
    static final int MAX_NESTING_DEPTH = 32;

    /** Digits (and sign, point, exponent) of one number: more than a double or a long can hold. */
    static final int MAX_NUMBER_LENGTH = 64;

    private final EventValidator validator;

    /**
     * The JSON reader for events: one document per text ({@code FAIL_ON_TRAILING_TOKENS}: text after
     * it, or a second document, is an error rather than ignored), a key given twice is an error rather
     * than the last one winning, and nesting and number length are bounded before anything is built.
     */
    public static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public EventJson(EventValidator validator) {
        this.validator = validator;
    }

    /** @param newId the event id to use when the JSON has none */
    public GenerationEvent generation(JsonNode json, Supplier<String> newId) {
        Reader r = new Reader(json);
        GenerationEvent event = GenerationEvent.newBuilder()
                .setEventId(r.optionalText("eventId", newId))
                .setPromptId(r.text("promptId"))
                .setPrompt(r.messages("prompt"))
                .setResponse(r.text("response"))
                .setModel(new ModelRef(
                        r.text("model.name"),
                        r.enumValue("model.role", ModelRole.class),
                        r.optionalLong("model.targetVersion")))
                .setCreatedAt(r.instant("createdAt"))
                .setAttributes(r.attributes("attributes"))
                .build();
        r.throwIfAny();
        validator.check(event.getPromptId(), event).ifPresent(EventJson::refuse);
        return event;
    }

    public FeedbackEvent feedback(JsonNode json, Supplier<String> newId) {
        Reader r = new Reader(json);
        FeedbackEvent event = FeedbackEvent.newBuilder()
                .setEventId(r.optionalText("eventId", newId))
                .setPromptId(r.text("promptId"))
                .setGenerationId(r.text("generationId"))
                .setSignal(signal(r))
                .setGiver(new FeedbackGiver(
                        r.enumValue("giver.kind", GiverKind.class), r.optionalText("giver.id", () -> null)))
                .setCreatedAt(r.instant("createdAt"))
                .setAttributes(r.attributes("attributes"))
                .build();
        r.throwIfAny();
        validator.check(event.getPromptId(), event).ifPresent(EventJson::refuse);
        return event;
    }

    private static Object signal(Reader r) {
        String type = r.text("signal.type");
        return switch (type) {
            case "rating" ->
                new Rating(r.number("signal.value"), r.number("signal.scaleMin"), r.number("signal.scaleMax"));
            case "thumbs" -> new Thumbs(r.bool("signal.up"));
            case "pairwise" ->
                new PairwiseChoice(r.text("signal.preferredGenerationId"), r.text("signal.otherGenerationId"));
            case "rewardScore" -> new RewardScore(r.number("signal.score"), r.text("signal.scorer"));
            default -> {
                if (!type.isEmpty()) {
                    r.error("signal.type", "must be one of rating, thumbs, pairwise, rewardScore; was '" + type + "'");
                }
                yield new Thumbs(false);
            }
        };
    }

    private static void refuse(EventValidator.Violation violation) {
        String field = violation.field();
        throw new InvalidEventJsonException(List.of(new FieldError(
                field, violation.message().substring(field.length()).trim())));
    }

    /** Reads typed fields by dotted path, collecting an error per bad field and returning placeholders. */
    private static final class Reader {
        private final JsonNode root;
        private final List<FieldError> errors = new ArrayList<>();

        Reader(JsonNode root) {
            this.root = root;
            if (root == null || !root.isObject()) {
                errors.add(new FieldError("$", "must be a JSON object"));
            }
        }

        void error(String field, String problem) {
            errors.add(new FieldError(field, problem));
        }

        void throwIfAny() {
            if (!errors.isEmpty()) {
                throw new InvalidEventJsonException(errors);
            }
        }

        private JsonNode at(String path) {
            JsonNode node = root;
            for (String part : path.split("\\.")) {
                node = node == null ? null : node.get(part);
            }
            return node == null || node.isNull() ? null : node;
        }

        /** The text, or "" after recording an error (Avro's builders refuse nulls before the errors are reported). */
        String text(String path) {
            JsonNode node = at(path);
            if (node == null) {
                error(path, "is missing");
                return "";
            }
            if (!node.isTextual()) {
                error(path, "must be a string, was " + node.getNodeType().name().toLowerCase(Locale.ROOT));
                return "";
            }
            return node.asText();
        }

        String optionalText(String path, Supplier<String> absent) {
            return at(path) == null ? absent.get() : text(path);
        }

        double number(String path) {
            JsonNode node = at(path);
            if (node == null || !node.isNumber()) {
                error(
                        path,
                        node == null
                                ? "is missing"
                                : "must be a number, was "
                                        + node.getNodeType().name().toLowerCase(Locale.ROOT));
                return 0;
            }
            return node.asDouble();
        }

        boolean bool(String path) {
            JsonNode node = at(path);
            if (node == null || !node.isBoolean()) {
                error(path, node == null ? "is missing" : "must be true or false");
                return false;
            }
            return node.asBoolean();
        }

        Long optionalLong(String path) {
            JsonNode node = at(path);
            if (node == null) {
                return null;
            }
            if (!node.isIntegralNumber() && !node.canConvertToExactIntegral()) {
                error(path, "must be an integer, was " + node);
                return null;
            }
            if (!node.canConvertToLong()) {
                error(path, "is " + node + ", above the largest integer " + Long.MAX_VALUE);
                return null;
            }
            return node.asLong();
        }

        <E extends Enum<E>> E enumValue(String path, Class<E> type) {
            String value = text(path);
            List<String> allowed = Arrays.stream(type.getEnumConstants())
                    .map(Enum::name)
                    .filter(n -> !n.equals("UNKNOWN"))
                    .toList();
            if (!allowed.contains(value.toUpperCase(Locale.ROOT))) {
                if (!value.isEmpty()) {
                    error(path, "must be one of " + String.join(", ", allowed) + "; was '" + value + "'");
                }
                return Enum.valueOf(type, "UNKNOWN");
            }
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        }

        List<ChatMessage> messages(String path) {
            JsonNode node = at(path);
            List<ChatMessage> messages = new ArrayList<>();
            if (node == null || !node.isArray()) {
                error(path, node == null ? "is missing" : "must be an array of {role, content}");
                return messages;
            }
            for (int i = 0; i < node.size(); i++) {
                String at = path + "[" + i + "]";
                JsonNode turn = node.get(i);
                String role = turn.path("role").asText("");
                String content =
                        turn.path("content").isTextual() ? turn.path("content").asText() : null;
                ChatRole parsed = Arrays.stream(ChatRole.values())
                        .filter(v -> v != ChatRole.UNKNOWN && v.name().equalsIgnoreCase(role))
                        .findFirst()
                        .orElse(null);
                if (parsed == null) {
                    error(at + ".role", "must be one of SYSTEM, USER, ASSISTANT, TOOL; was '" + role + "'");
                }
                if (content == null) {
                    error(at + ".content", "must be a string");
                }
                messages.add(
                        new ChatMessage(parsed == null ? ChatRole.UNKNOWN : parsed, content == null ? "" : content));
            }
            return messages;
        }

        Instant instant(String path) {
            JsonNode node = at(path);
            if (node == null) {
                return Instant.now();
            }
            if (node.isIntegralNumber()) {
                if (!node.canConvertToLong()) {
                    error(path, "is " + node + " epoch milliseconds, beyond any instant");
                    return Instant.EPOCH;
                }
                return Instant.ofEpochMilli(node.asLong());
            }
            try {
                return Instant.parse(node.asText());
            } catch (DateTimeParseException e) {
                error(
                        path,
                        "must be ISO-8601 (2026-11-28T12:00:00Z) or epoch milliseconds, was '" + node.asText() + "'");
                return Instant.EPOCH;
            }
        }

        Map<String, String> attributes(String path) {
            JsonNode node = at(path);
            Map<String, String> attributes = new LinkedHashMap<>();
            if (node == null) {
                return attributes;
            }
            if (!node.isObject()) {
                error(path, "must be an object of strings");
                return attributes;
            }
            node.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) {
                    attributes.put(e.getKey(), e.getValue().asText());
                } else {
                    error(path + "." + e.getKey(), "must be a string");
                }
            });
            return attributes;
        }
    }
}
