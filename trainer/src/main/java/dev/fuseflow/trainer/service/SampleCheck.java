package dev.fuseflow.trainer.service;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.PreferenceSample;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the trainer refuses to train on, each problem named with its field. Text that was not valid
 * UTF-8 arrives with U+FFFD replacement characters (Avro decodes leniently), so those count as
 * undecodable.
 */
final class SampleCheck {

    private static final char REPLACEMENT = '\uFFFD';

    private SampleCheck() {
    }

    /** Why a sample is refused: the dead-letter reason code and a message naming the field. */
    record Problem(DeadLetterReason reason, String message) {
    }

    /** The roles the trainer's chat templates render (a prompt turn of another role cannot be tokenized). */
    static final Set<ChatRole> RENDERED_ROLES = EnumSet.of(ChatRole.SYSTEM, ChatRole.USER, ChatRole.ASSISTANT);

    /** @param sample null for a record without a value (a tombstone) */
    static Optional<Problem> problem(PreferenceSample sample) {
        if (sample == null) {
            return Optional.of(new Problem(DeadLetterReason.MISSING_FIELD, "the record has no value (a tombstone); a PreferenceSample"
                    + " was expected"));
        }
        if (isBlank(sample.getSampleId())) {
            return Optional.of(new Problem(DeadLetterReason.BLANK_FIELD, "sampleId is blank"));
        }
        if (sample.getPrompt().isEmpty()) {
            return Optional.of(new Problem(DeadLetterReason.BLANK_FIELD, "prompt has no messages"));
        }
        for (int i = 0; i < sample.getPrompt().size(); i++) {
            ChatMessage message = sample.getPrompt().get(i);
            if (!RENDERED_ROLES.contains(message.getRole())) {
                return Optional.of(new Problem(DeadLetterReason.INVALID_VALUE, "prompt[" + i + "].role is " + message.getRole()
                        + "; the trainer's chat templates render " + RENDERED_ROLES + " turns only"));
            }
            if (undecodable(message.getContent())) {
                return Optional.of(new Problem(DeadLetterReason.INVALID_VALUE, "prompt[" + i + "].content has undecodable text"
                        + " (invalid UTF-8)"));
            }
        }
        Optional<Problem> text = response("sourceChosen", sample.getSourceChosen().getText())
                .or(() -> response("targetChosen", sample.getTargetChosen().getText()))
                .or(() -> response("targetRejected", sample.getTargetRejected().getText()));
        if (text.isPresent()) {
            return text;
        }
        double weight = sample.getWeight();
        if (!Double.isFinite(weight)) {
            return Optional.of(new Problem(DeadLetterReason.NON_FINITE_NUMBER, "weight is " + weight
                    + "; it must be a finite number in (0, 1]"));
        }
        if (weight <= 0 || weight > 1) {
            return Optional.of(new Problem(DeadLetterReason.OUT_OF_RANGE, "weight is " + weight + "; it must be in (0, 1]"));
        }
        return Optional.empty();
    }

    private static Optional<Problem> response(String field, CharSequence text) {
        if (isBlank(text)) {
            return Optional.of(new Problem(DeadLetterReason.BLANK_FIELD, field + ".text is empty"));
        }
        return undecodable(text) ? Optional.of(new Problem(DeadLetterReason.INVALID_VALUE, field + ".text has undecodable text"
                + " (invalid UTF-8)")) : Optional.empty();
    }

    private static boolean isBlank(CharSequence text) {
        return text == null || text.toString().isBlank();
    }

    private static boolean undecodable(CharSequence text) {
        return text != null && text.toString().indexOf(REPLACEMENT) >= 0;
    }
}
