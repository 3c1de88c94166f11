package dev.fuseflow.streams;

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
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test events at fixed times; ids spell out prompt and response so failures read well. */
public final class Events {

    public static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private Events() {}

    public static GenerationEvent source(String prompt, String id, String model) {
        return generation(prompt, id, new ModelRef(model, ModelRole.SOURCE, null), 0);
    }

    public static GenerationEvent target(String prompt, String id, long version) {
        return generation(prompt, id, new ModelRef("target", ModelRole.TARGET, version), 0);
    }

    public static GenerationEvent generation(String prompt, String id, ModelRef model, long secondsAfterT0) {
        return GenerationEvent.newBuilder()
                .setEventId(id)
                .setPromptId(prompt)
                .setPrompt(List.of(new ChatMessage(ChatRole.USER, "Question " + prompt)))
                .setResponse("answer " + id)
                .setModel(model)
                .setCreatedAt(T0.plusSeconds(secondsAfterT0))
                .setAttributes(Map.of())
                .build();
    }

    public static FeedbackEvent reward(String prompt, String id, String generation, double score) {
        return feedback(prompt, id, generation, new RewardScore(score, "rm"), GiverKind.REWARD_MODEL, "rm");
    }

    public static FeedbackEvent rating(
            String prompt, String id, String generation, double value, double min, double max) {
        return feedback(prompt, id, generation, new Rating(value, min, max), GiverKind.END_USER, "u-" + id);
    }

    public static FeedbackEvent thumbs(String prompt, String id, String generation, boolean up) {
        return feedback(prompt, id, generation, new Thumbs(up), GiverKind.END_USER, "u-" + id);
    }

    public static FeedbackEvent pairwise(String prompt, String id, String preferred, String other) {
        return feedback(prompt, id, preferred, new PairwiseChoice(preferred, other), GiverKind.ANNOTATOR, "a-" + id);
    }

    public static FeedbackEvent feedback(
            String prompt, String id, String generation, Object signal, GiverKind kind, String giver) {
        return FeedbackEvent.newBuilder()
                .setEventId(id)
                .setPromptId(prompt)
                .setGenerationId(generation)
                .setSignal(signal)
                .setGiver(new FeedbackGiver(kind, giver))
                .setCreatedAt(T0.plusSeconds(60))
                .setAttributes(Map.of())
                .build();
    }
}
