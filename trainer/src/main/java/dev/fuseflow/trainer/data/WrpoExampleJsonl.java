package dev.fuseflow.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads WRPO examples from JSON Lines, one PreferenceSample per line under the Avro record's own
 * field names, texts only:
 * <pre>
 * {"sampleId": "s1", "prompt": [{"role": "USER", "content": "2+2?"}],
 *  "sourceChosen": {"text": "4"}, "targetChosen": {"text": "4."}, "targetRejected": {"text": "5"}, "weight": 0.8}
 * </pre>
 * {@code weight} defaults to 1 and {@code promptId} (the asked prompt's id, shared by the samples built
 * for it) to the sample id. Blank lines are skipped. A bad line raises
 * {@link BadLineException} naming the line number and the field, never a half-read example.
 */
public final class WrpoExampleJsonl {

    /** A line that is not a valid example; the message says which line and which field. */
    public static final class BadLineException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadLineException(Path file, long line, String problem) {
            super(file + ":" + line + ": " + problem);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private WrpoExampleJsonl() {}

    public static List<WrpoExample> read(Path file) throws IOException {
        List<WrpoExample> examples = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (!line.isBlank()) {
                    examples.add(parse(file, number, line));
                }
            }
        }
        return examples;
    }

    /** Writes samples as JSONL in the PreferenceSample field names that {@link #read} reads. */
    public static void write(Path file, List<WrpoExample> samples) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (WrpoExample sample : samples) {
                out.write(line(sample));
                out.newLine();
            }
        }
    }

    /** One sample as a line of {@link #write}'s file (without the line break). */
    public static String line(WrpoExample sample) throws JsonProcessingException {
        ObjectNode line = JSON.createObjectNode();
        line.put("sampleId", sample.sampleId());
        line.put("promptId", sample.promptId());
        var prompt = line.putArray("prompt");
        for (ChatMessage message : sample.prompt()) {
            prompt.addObject().put("role", message.getRole().name()).put("content", message.getContent());
        }
        line.putObject("sourceChosen").put("text", sample.sourceChosen());
        line.putObject("targetChosen").put("text", sample.targetChosen());
        line.putObject("targetRejected").put("text", sample.rejected());
        line.put("weight", sample.weight());
        return JSON.writeValueAsString(line);
    }

    static WrpoExample parse(Path file, long number, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLineException(file, number, "not JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            throw new BadLineException(file, number, "expected a JSON object, got " + node.getNodeType());
        }
        Field field = new Field(file, number, node);
        double weight = node.has("weight") ? field.number("weight") : 1.0;
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new BadLineException(file, number, "field 'weight' must be a finite number > 0, was " + weight);
        }
        return new WrpoExample(
                field.text("sampleId"),
                node.hasNonNull("promptId") ? field.text("promptId") : field.text("sampleId"),
                field.prompt(),
                field.text("sourceChosen", "text"),
                field.text("targetChosen", "text"),
                field.text("targetRejected", "text"),
                weight);
    }

    /** Typed access to one line's fields, with errors that name the path. */
    private record Field(Path file, long number, JsonNode root) {

        String text(String... path) {
            JsonNode value = root;
            for (String name : path) {
                value = value.path(name);
            }
            String name = String.join(".", path);
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new BadLineException(
                        file,
                        number,
                        "field '" + name + "' must be a non-blank string"
                                + (value.isMissingNode() ? " and is missing" : ", was " + value));
            }
            return value.asText();
        }

        double number(String name) {
            JsonNode value = root.path(name);
            if (!value.isNumber()) {
                throw new BadLineException(file, number, "field '" + name + "' must be a number, was " + value);
            }
            return value.asDouble();
        }

        List<ChatMessage> prompt() {
            JsonNode turns = root.path("prompt");
            if (!turns.isArray() || turns.isEmpty()) {
                throw new BadLineException(file, number, "field 'prompt' must be a non-empty array of {role, content}");
            }
            List<ChatMessage> messages = new ArrayList<>();
            for (int i = 0; i < turns.size(); i++) {
                String where = "prompt[" + i + "]";
                String role = turns.get(i).path("role").asText("").toUpperCase(Locale.ROOT);
                if (!Arrays.stream(ChatRole.values()).map(Enum::name).toList().contains(role)
                        || "UNKNOWN".equals(role)) {
                    throw new BadLineException(
                            file,
                            number,
                            "field '" + where + ".role' must be one of SYSTEM, USER, " + "ASSISTANT, TOOL, was "
                                    + turns.get(i).path("role"));
                }
                JsonNode content = turns.get(i).path("content");
                if (!content.isTextual()) {
                    throw new BadLineException(
                            file, number, "field '" + where + ".content' must be a string, was " + content);
                }
                messages.add(new ChatMessage(ChatRole.valueOf(role), content.asText()));
            }
            return messages;
        }
    }
}
