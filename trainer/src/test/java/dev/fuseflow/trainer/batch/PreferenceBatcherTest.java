package dev.fuseflow.trainer.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.tokenizer.BuiltInChatTemplate;
import dev.fuseflow.trainer.tokenizer.CharTokenizerJson;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreferenceBatcherTest {

    @TempDir
    Path dir;

    private static WrpoExample example(
            String prompt, String sourceChosen, String targetChosen, String rejected, double weight) {
        return new WrpoExample(
                "s",
                "s",
                List.of(new ChatMessage(ChatRole.USER, prompt)),
                sourceChosen,
                targetChosen,
                rejected,
                weight);
    }

    private PromptResponseEncoder encoder() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        CharTokenizerJson.write(file, FreshModel.CHARACTERS);
        return new PromptResponseEncoder(HuggingFaceTokenizer.newInstance(file), BuiltInChatTemplate.FUSEFLOW);
    }

    @Test
    void budgetKeepsThePromptsEndThenCutsResponseTails() {
        SequenceBudget budget = new SequenceBudget(10, 4);
        long[] prompt = {1, 2, 3, 4, 5, 6};
        assertThat(budget.prompt(prompt, 4)).as("fits: untouched").containsExactly(prompt);
        long[] cut = budget.prompt(prompt, 5);
        assertThat(cut).as("too long: the last 4 prompt tokens").containsExactly(3, 4, 5, 6);
        assertThat(budget.response(new long[] {7, 8, 9, 10, 11, 12, 13}, cut.length))
                .containsExactly(7, 8, 9, 10, 11, 12);
        assertThat(budget.prompt(new long[] {1, 2, 3}, 20))
                .as("a short prompt is never cut")
                .containsExactly(1, 2, 3);
        assertThat(budget.response(new long[] {7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 3))
                .hasSize(7);
        assertThatThrownBy(() -> new SequenceBudget(10, 10))
                .hasMessageContaining("1 <= max prompt length < max length");
        assertThat(SequenceBudget.cappedTo(2048, 1800, 512)).isEqualTo(new SequenceBudget(512, 450));
        assertThat(SequenceBudget.cappedTo(256, 200, 512)).isEqualTo(new SequenceBudget(256, 200));
    }

    @Test
    void rowsArePromptThenResponseRightPaddedWithExactMasks() throws IOException {
        try (PromptResponseEncoder encoder = encoder()) {
            PreferenceBatcher batcher = new PreferenceBatcher(encoder, new SequenceBudget(512, 400), 0);
            PreferenceBatch batch =
                    batcher.batch(List.of(example("hi", "AB", "ABC", "x", 0.5), example("hello", "Z", "Z", "zz", 1.0)));
            assertThat(batch.weights()).containsExactly(0.5, 1.0);
            List<ChatMessage> hi = List.of(new ChatMessage(ChatRole.USER, "hi"));
            List<ChatMessage> hello = List.of(new ChatMessage(ChatRole.USER, "hello"));
            long[] prompt0 = encoder.promptIds(hi);
            long[] response0 = encoder.responseIds(hi, "ABC");
            PreferenceBatch.Sequences targetChosen = batch.targetChosen();
            int width = targetChosen.tokens()[0].length;
            assertThat(width)
                    .isEqualTo(Math.max(
                            prompt0.length + response0.length,
                            encoder.promptIds(hello).length + encoder.responseIds(hello, "Z").length));
            long[] row = targetChosen.tokens()[0];
            assertThat(Arrays.copyOfRange(row, 0, prompt0.length)).containsExactly(prompt0);
            assertThat(Arrays.copyOfRange(row, prompt0.length, prompt0.length + response0.length))
                    .containsExactly(response0);
            for (int t = 0; t < width; t++) {
                boolean real = t < prompt0.length + response0.length;
                assertThat(targetChosen.attention()[0][t]).isEqualTo(real ? 1 : 0);
                assertThat(targetChosen.response()[0][t]).isEqualTo(real && t >= prompt0.length ? 1 : 0);
                assertThat(row[t]).isEqualTo(real ? row[t] : 0);
            }
            assertThat(Arrays.stream(batch.rejected().response()[1]).sum())
                    .isEqualTo(encoder.responseIds(hello, "zz").length);
            assertThat(batcher.truncatedSamples()).isZero();
        }
    }

    @Test
    void aLongPromptIsCutTheSameWayForAllThreeResponsesAndCounted() throws IOException {
        try (PromptResponseEncoder encoder = encoder()) {
            PreferenceBatcher batcher = new PreferenceBatcher(encoder, new SequenceBudget(24, 12), 0);
            PreferenceBatch batch = batcher.batch(List.of(example("a".repeat(40) + "END", "yes", "yes!", "no", 1.0)));
            long[] kept = Arrays.copyOf(batch.sourceChosen().tokens()[0], 12);
            assertThat(Arrays.copyOf(batch.targetChosen().tokens()[0], 12)).containsExactly(kept);
            assertThat(Arrays.copyOf(batch.rejected().tokens()[0], 12)).containsExactly(kept);
            long[] fullPrompt = encoder.promptIds(List.of(new ChatMessage(ChatRole.USER, "a".repeat(40) + "END")));
            assertThat(kept)
                    .as("the end of the prompt, nearest the answer")
                    .containsExactly(Arrays.copyOfRange(fullPrompt, fullPrompt.length - 12, fullPrompt.length));
            assertThat(batcher.truncatedSamples()).isEqualTo(1);
            assertThatThrownBy(() -> batcher.batch(List.of())).hasMessageContaining("at least one example");
        }
    }
}
