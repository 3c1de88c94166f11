package dev.fuseflow.producers.importer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fuseflow.producers.json.FieldError;
import dev.fuseflow.producers.json.InvalidEventJsonException;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.FeedbackGiver;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.GiverKind;
import dev.fuseflow.schemas.avro.ModelRef;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.RewardScore;
import dev.fuseflow.schemas.validation.EventValidator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The common shape of public preference datasets, as UltraFeedback publishes it: a prompt
 * ({@code instruction} or {@code prompt}) with several model responses and their scores,
 * {@code {"instruction": ..., "completions": [{"model": ..., "response": ..., "overall_score": 7.5}]}}.
 * Each response becomes a generation of a SOURCE model (or of the TARGET, for the model named by
 * {@code --target-model}), each score a reward-model feedback from {@code scorer}. The prompt id
 * is the record's {@code prompt_id}, or derived from the prompt text.
 */
final class UltraFeedbackLines implements LineFormat {

    private final EventValidator validator;
    private final String scorer;
    private final String targetModel;
    private final long targetVersion;
    private final Instant importedAt;

    UltraFeedbackLines(
            EventValidator validator, String scorer, String targetModel, long targetVersion, Instant importedAt) {
        this.validator = validator;
        this.scorer = scorer;
        this.targetModel = targetModel;
        this.targetVersion = targetVersion;
        this.importedAt = importedAt;
    }

    @Override
    public List<SpecificRecord> events(JsonNode line, String rawLine) {
        JsonNode prompt = line.has("instruction") ? line.get("instruction") : line.get("prompt");
        if (prompt == null || !prompt.isTextual()) {
            throw invalid("instruction", "is missing: the prompt text (or 'prompt') must be a string");
        }
        JsonNode completions = line.get("completions");
        if (completions == null || !completions.isArray() || completions.isEmpty()) {
            throw invalid("completions", "must be a non-empty array of {model, response, overall_score}");
        }
        String promptId = line.path("prompt_id").isTextual()
                ? line.get("prompt_id").asText()
                : "uf-" + DeterministicIds.digest(prompt.asText());
        List<SpecificRecord> events = new ArrayList<>();
        for (int i = 0; i < completions.size(); i++) {
            events.addAll(completion(completions.get(i), "completions[" + i + "]", promptId, prompt.asText(), i));
        }
        return events;
    }

    private List<SpecificRecord> completion(
            JsonNode completion, String path, String promptId, String prompt, int index) {
        String model = completion.path("model").asText("");
        if (model.isBlank()) {
            throw invalid(path + ".model", "is missing");
        }
        if (!completion.path("response").isTextual()) {
            throw invalid(path + ".response", "must be a string");
        }
        boolean isTarget = model.equals(targetModel);
        String generationId = DeterministicIds.uuid(promptId, model, Integer.toString(index));
        GenerationEvent generation = GenerationEvent.newBuilder()
                .setEventId(generationId)
                .setPromptId(promptId)
                .setPrompt(List.of(new ChatMessage(ChatRole.USER, prompt)))
                .setResponse(completion.get("response").asText())
                .setModel(new ModelRef(
                        model, isTarget ? ModelRole.TARGET : ModelRole.SOURCE, isTarget ? targetVersion : null))
                .setCreatedAt(importedAt)
                .setAttributes(Map.of("import.source", "ultrafeedback"))
                .build();
        validator.check(promptId, generation).ifPresent(v -> {
            throw invalid(
                    path + "." + v.field(),
                    v.message().substring(v.field().length()).trim());
        });
        JsonNode score = completion.get("overall_score");
        if (score == null || score.isNull()) {
            return List.of(generation);
        }
        if (!score.isNumber() || !Double.isFinite(score.asDouble())) {
            throw invalid(path + ".overall_score", "must be a finite number, was " + score);
        }
        FeedbackEvent feedback = FeedbackEvent.newBuilder()
                .setEventId(DeterministicIds.uuid(generationId, scorer))
                .setPromptId(promptId)
                .setGenerationId(generationId)
                .setSignal(new RewardScore(score.asDouble(), scorer))
                .setGiver(new FeedbackGiver(GiverKind.REWARD_MODEL, scorer))
                .setCreatedAt(importedAt)
                .setAttributes(Map.of("import.source", "ultrafeedback"))
                .build();
        return List.of(generation, feedback);
    }

    private static InvalidEventJsonException invalid(String field, String problem) {
        return new InvalidEventJsonException(List.of(new FieldError(field, problem)));
    }
}
