package dev.fuseflow.ops.deadletters;

import dev.fuseflow.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Dead letters summarised by stage and reason, and each one made readable: its original value
 * decoded as the record it was meant to be where the registry knows its schema, as text where it
 * is UTF-8, else as Base64.
 */
public final class DeadLetterReport {

    /** One dead letter as a person or a script reads it. */
    // More than eight components: one JSON line of the export, built in one place from the Avro record.
    @SuppressWarnings("checkstyle:RecordComponentNumber")
    public record Letter(
            String stage,
            String reason,
            String message,
            String sourceTopic,
            Integer sourcePartition,
            Long sourceOffset,
            Instant failedAt,
            String originalKey,
            String originalValue,
            String originalValueEncoding) {}

    private DeadLetterReport() {}

    /** Counts by "stage reason", sorted. */
    public static Map<String, Long> summary(List<DeadLetter> letters) {
        Map<String, Long> counts = new TreeMap<>();
        for (DeadLetter letter : letters) {
            counts.merge(letter.getStage() + " " + letter.getReason(), 1L, Long::sum);
        }
        return counts;
    }

    /**
     * @param decodeAvro turns original value bytes into the record's JSON, or throws when they are
     *                   not a registered Avro value
     */
    public static Letter readable(DeadLetter letter, Function<byte[], String> decodeAvro) {
        byte[] value = bytes(letter.getOriginalValue());
        String shown = null;
        String encoding = "none";
        if (value != null) {
            try {
                shown = decodeAvro.apply(value);
                encoding = "avro-json";
            } catch (RuntimeException notAvro) {
                String text = utf8(value);
                shown = text != null ? text : Base64.getEncoder().encodeToString(value);
                encoding = text != null ? "utf-8" : "base64";
            }
        }
        byte[] key = bytes(letter.getOriginalKey());
        String keyText = key == null
                ? null
                : utf8(key) != null ? utf8(key) : Base64.getEncoder().encodeToString(key);
        return new Letter(
                letter.getStage().toString(),
                letter.getReason().name(),
                letter.getMessage().toString(),
                letter.getSourceTopic() == null ? null : letter.getSourceTopic().toString(),
                letter.getSourcePartition(),
                letter.getSourceOffset(),
                letter.getFailedAt(),
                keyText,
                shown,
                encoding);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static String utf8(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t' || c == '\r') ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
