package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.validation.EventValidator.Violation;
import dev.fuseflow.trainer.data.ShoutTask;
import java.util.List;
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
}
