package dev.fuseflow.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.trainer.data.WrpoExample;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentAnswersTest {

    private static WrpoExample sample(String id, String promptId, String prompt, String best, String rejected) {
        return new WrpoExample(
                id, promptId, List.of(new ChatMessage(ChatRole.USER, prompt)), best, best, rejected, 1.0);
    }

    @Test
    void aReEmittedPromptAndBestAnswerTrainsOnceWithinTheWindow() {
        RecentAnswers recent = new RecentAnswers(2);
        assertThat(recent.firstSeen(sample("s1", "p1", "reverse abc", "cba", "abc")))
                .isTrue();
        assertThat(recent.firstSeen(sample("s2", "p1", "reverse abc", "cba", "acb")))
                .as("same asked prompt and y_ws, other pair")
                .isFalse();
        assertThat(recent.firstSeen(sample("s3", "p1", "reverse abc", "cb", "abc")))
                .as("another y_ws")
                .isTrue();
        assertThat(recent.firstSeen(sample("s4", "p2", "sort 312", "123", "312")))
                .isTrue();
        // The window holds 2: the first pair has been forgotten by now.
        assertThat(recent.firstSeen(sample("s5", "p1", "reverse abc", "cba", "abc")))
                .isTrue();
    }

    @Test
    void theSamePromptAskedAgainTrainsAgain() {
        RecentAnswers recent = new RecentAnswers(100);
        assertThat(recent.firstSeen(sample("s1", "asked-1", "add: 3+4", "7", "8")))
                .isTrue();
        assertThat(recent.firstSeen(sample("s2", "asked-2", "add: 3+4", "7", "6")))
                .as("the same text and answer, asked a second time")
                .isTrue();
        assertThat(recent.firstSeen(sample("s3", "asked-2", "add: 3+4", "7", "9")))
                .as("a re-emission of the second asking")
                .isFalse();
    }

    @Test
    void offByDefaultEverySampleTrains() {
        RecentAnswers off = new RecentAnswers(0);
        assertThat(off.firstSeen(sample("s1", "p1", "p", "a", "b"))).isTrue();
        assertThat(off.firstSeen(sample("s2", "p1", "p", "a", "b"))).isTrue();
        assertThatThrownBy(() -> new RecentAnswers(-1)).hasMessageContaining("--sft-dedupe-window");
    }
}
