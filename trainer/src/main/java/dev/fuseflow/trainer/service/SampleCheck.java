package dev.fuseflow.trainer.service;

import dev.fuseflow.runtime.config.SharedSettings;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.validation.EventValidator;
import dev.fuseflow.schemas.validation.EventValidator.Violation;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the trainer refuses to train on, each problem named with its field: the samples' contract
 * ({@link EventValidator}, the rules the stream processors apply), then what only the trainer needs.
 * Text that was not valid UTF-8 arrives with U+FFFD replacement characters (Avro decodes leniently),
 * so those count as undecodable.
 */
public final class SampleCheck {

    private static final char REPLACEMENT = '\uFFFD';
    private static final EventValidator CONTRACT = new EventValidator(SharedSettings.MAX_TEXT_BYTES.defaultValue());

    /** The roles the trainer's chat templates render (a prompt turn of another role cannot be tokenized). */
    static final Set<ChatRole> RENDERED_ROLES =
            EnumSet.of(ChatRole.SYSTEM, ChatRole.USER, ChatRole.ASSISTANT, ChatRole.TOOL);

    private SampleCheck() {}

    /**
     * A record's value decoded and checked: the sample, or why the trainer refuses it (with the decoder's exception
     * where decoding failed). The intake dead-letters with this reason; the export counts it.
     */
    public record Checked(PreferenceSample sample, Optional<Violation> violation, Optional<RuntimeException> cause) {

        static Checked usable(PreferenceSample sample) {
            return new Checked(sample, Optional.empty(), Optional.empty());
        }

        static Checked refused(Violation violation, Optional<RuntimeException> cause) {
            return new Checked(null, Optional.of(violation), cause);
        }

        /** This, or refused with {@code further}'s violation of a sample that passed so far. */
        public Checked andThen(Function<PreferenceSample, Optional<Violation>> further) {
            return violation.isPresent()
                    ? this
                    : further.apply(sample)
                            .map(v -> refused(v, Optional.empty()))
                            .orElse(this);
        }
    }

    /** Decodes a record's value with {@code decoder} (null for a tombstone) and checks it with {@link #problem}. */
    public static Checked decode(Supplier<Object> decoder) {
        Object value;
        try {
            value = decoder.get();
        } catch (RuntimeException e) {
            return Checked.refused(
                    new Violation(
                            DeadLetterReason.DESERIALIZATION_FAILED,
                            "value is not a PreferenceSample: " + e.getMessage()),
                    Optional.of(e));
        }
        if (value != null && !(value instanceof PreferenceSample)) {
            return Checked.refused(
                    new Violation(
                            DeadLetterReason.DESERIALIZATION_FAILED,
                            "value is a " + value.getClass().getSimpleName() + ", not a PreferenceSample"),
                    Optional.empty());
        }
        PreferenceSample sample = (PreferenceSample) value;
        return problem(sample).map(v -> Checked.refused(v, Optional.empty())).orElseGet(() -> Checked.usable(sample));
    }

    /** @param sample null for a record without a value (a tombstone) */
    public static Optional<Violation> problem(PreferenceSample sample) {
        Optional<Violation> contract = CONTRACT.check(sample);
        if (contract.isPresent()) {
            return contract;
        }
        for (int i = 0; i < sample.getPrompt().size(); i++) {
            ChatMessage message = sample.getPrompt().get(i);
            if (!RENDERED_ROLES.contains(message.getRole())) {
                return invalid("prompt[" + i + "].role is " + message.getRole()
                        + "; the trainer's chat templates render " + RENDERED_ROLES + " turns only");
            }
            if (undecodable(message.getContent())) {
                return invalid("prompt[" + i + "].content has undecodable text (invalid UTF-8)");
            }
        }
        return undecodable("sourceChosen", sample.getSourceChosen().getText())
                .or(() -> undecodable("targetChosen", sample.getTargetChosen().getText()))
                .or(() ->
                        undecodable("targetRejected", sample.getTargetRejected().getText()));
    }

    /** A sample whose prompt or answers {@code template} refuses to render, with the template's reason. */
    static Optional<Violation> unencodable(PreferenceSample sample, PromptResponseEncoder encoder) {
        List<ChatMessage> prompt = sample.getPrompt();
        try {
            encoder.promptIds(prompt);
            encoder.responseIds(prompt, sample.getSourceChosen().getText().toString());
            encoder.responseIds(prompt, sample.getTargetChosen().getText().toString());
            encoder.responseIds(prompt, sample.getTargetRejected().getText().toString());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return invalid("prompt cannot be rendered by " + encoder.templateSource() + ": " + e.getMessage());
        }
    }

    private static Optional<Violation> undecodable(String field, CharSequence text) {
        return undecodable(text) ? invalid(field + ".text has undecodable text (invalid UTF-8)") : Optional.empty();
    }

    private static boolean undecodable(CharSequence text) {
        return text != null && text.toString().indexOf(REPLACEMENT) >= 0;
    }

    private static Optional<Violation> invalid(String message) {
        return Optional.of(new Violation(DeadLetterReason.INVALID_VALUE, message));
    }
}
