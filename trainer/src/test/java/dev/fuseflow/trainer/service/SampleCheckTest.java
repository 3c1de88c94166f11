package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.validation.EventValidator.Violation;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The trainer refuses what the stream processors would refuse, and what only it cannot use. */
class SampleCheckTest {

    private static PreferenceSample good() {
        return TrainerServiceTestSupport.sample(ShoutTask.samples(1, 5).get(0));
    }

    @Test
    void aGoodSamplePasses() {
        assertThat(SampleCheck.problem(good())).isEmpty();
    }

    @Test
    void theContractsRulesHoldInTheTrainerToo() {
        PreferenceSample nanReward = good();
        nanReward.getTargetChosen().setReward(Double.NaN);
        assertThat(SampleCheck.problem(nanReward))
                .get()
                .extracting(Violation::reason, Violation::message)
                .containsExactly(
                        DeadLetterReason.NON_FINITE_NUMBER, "targetChosen.reward is NaN; it must be a finite number");

        PreferenceSample blankTurn = good();
        blankTurn.setPrompt(List.of(new ChatMessage(ChatRole.SYSTEM, "be loud"), new ChatMessage(ChatRole.USER, "  ")));
        assertThat(SampleCheck.problem(blankTurn))
                .get()
                .extracting(Violation::reason, Violation::field)
                .containsExactly(DeadLetterReason.BLANK_FIELD, "prompt[1].content");

        PreferenceSample unknownRole = good();
        unknownRole.setPrompt(List.of(new ChatMessage(ChatRole.UNKNOWN, "hi")));
        assertThat(SampleCheck.problem(unknownRole))
                .get()
                .extracting(Violation::reason)
                .isEqualTo(DeadLetterReason.INVALID_VALUE);

        PreferenceSample heavy = good();
        heavy.setWeight(1.5);
        assertThat(SampleCheck.problem(heavy))
                .get()
                .extracting(Violation::reason)
                .isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(SampleCheck.problem(null))
                .get()
                .extracting(Violation::reason)
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
    }

    @Test
    void whatOnlyTheTrainerCannotUseIsRefusedAfterTheContract() {
        PreferenceSample toolTurn = good();
        toolTurn.setPrompt(List.of(new ChatMessage(ChatRole.USER, "look it up"), new ChatMessage(ChatRole.TOOL, "{}")));
        assertThat(SampleCheck.problem(toolTurn))
                .as("the chat templates render tool turns")
                .isEmpty();
        PreferenceSample unknownTurn = good();
        unknownTurn.setPrompt(List.of(new ChatMessage(ChatRole.USER, "hi"), new ChatMessage(ChatRole.UNKNOWN, "?")));
        assertThat(SampleCheck.problem(unknownTurn))
                .get()
                .extracting(Violation::field)
                .isEqualTo("prompt[1].role");

        PreferenceSample mangled = good();
        mangled.getTargetRejected().setText("abc\uFFFD");
        assertThat(SampleCheck.problem(mangled))
                .get()
                .extracting(Violation::message)
                .isEqualTo("targetRejected.text has undecodable text (invalid UTF-8)");
    }

    @Test
    void aConversationTheModelsTemplateRefusesIsADeadLetterWithTheTemplatesReason() throws Exception {
        Path gemma = Path.of(getClass().getResource("/golden/chat/gemma").toURI());
        PreferenceSample withSystem = good();
        withSystem.setPrompt(
                List.of(new ChatMessage(ChatRole.SYSTEM, "be brief"), new ChatMessage(ChatRole.USER, "hi")));

        try (PromptResponseEncoder encoder = PromptResponseEncoder.forModel(
                gemma, HuggingFaceTokenizer.newInstance(gemma.resolve("tokenizer.json")))) {
            assertThat(SampleCheck.unencodable(good(), encoder)).isEmpty();
            assertThat(SampleCheck.unencodable(withSystem, encoder))
                    .get()
                    .satisfies(v -> assertThat(v.reason()).isEqualTo(DeadLetterReason.INVALID_VALUE))
                    .satisfies(v -> assertThat(v.message()).contains("System role not supported"));
        }
    }

    @Test
    void aRecordIsDecodedAndCheckedWithTheReasonTheIntakeDeadLettersItWith() {
        IllegalStateException badBytes = new IllegalStateException("unknown magic byte");

        SampleCheck.Checked thrown = SampleCheck.decode(() -> {
            throw badBytes;
        });
        SampleCheck.Checked other = SampleCheck.decode(() -> "a string");
        SampleCheck.Checked tombstone = SampleCheck.decode(() -> null);
        SampleCheck.Checked usable = SampleCheck.decode(SampleCheckTest::good);

        assertThat(thrown.violation())
                .get()
                .extracting(Violation::reason)
                .isEqualTo(DeadLetterReason.DESERIALIZATION_FAILED);
        assertThat(thrown.violation().get().message()).contains("unknown magic byte");
        assertThat(thrown.cause()).containsSame(badBytes);
        assertThat(other.violation().get().message()).isEqualTo("value is a String, not a PreferenceSample");
        assertThat(tombstone.violation()).get().extracting(Violation::reason).isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(usable.violation()).isEmpty();
        assertThat(usable.sample().getSampleId()).isEqualTo(good().getSampleId());

        Violation late = new Violation(DeadLetterReason.INVALID_VALUE, "prompt cannot be rendered");
        assertThat(usable.andThen(sample -> Optional.of(late)).violation()).containsSame(late);
        assertThat(usable.andThen(sample -> Optional.empty())).isSameAs(usable);
        assertThat(tombstone.andThen(sample -> {
                    throw new AssertionError("a refused record is not checked further");
                }))
                .isSameAs(tombstone);
    }
}
