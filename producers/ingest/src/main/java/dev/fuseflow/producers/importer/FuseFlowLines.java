package dev.fuseflow.producers.importer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fuseflow.producers.json.EventJson;
import dev.fuseflow.producers.json.FieldError;
import dev.fuseflow.producers.json.InvalidEventJsonException;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * FuseFlow's own shapes, one event per line, the gateway's JSON plus a {@code kind}:
 * {@code {"kind": "generation", "promptId": ..., "prompt": [...], "response": ..., "model": {...}}}
 * or {@code {"kind": "feedback", "promptId": ..., "generationId": ..., "signal": {...}, "giver": {...}}}.
 * A line without {@code eventId} gets one derived from its text.
 */
final class FuseFlowLines implements LineFormat {

    private final EventJson json;

    FuseFlowLines(EventJson json) {
        this.json = json;
    }

    @Override
    public List<SpecificRecord> events(JsonNode line, String rawLine) {
        String kind = line.path("kind").asText("");
        String id = DeterministicIds.uuid("fuseflow-line", rawLine.strip());
        return switch (kind) {
            case "generation" -> List.of(json.generation(line, () -> id));
            case "feedback" -> List.of(json.feedback(line, () -> id));
            default ->
                throw new InvalidEventJsonException(
                        List.of(new FieldError("kind", "must be 'generation' or 'feedback', was '" + kind + "'")));
        };
    }
}
