package dev.fuseflow.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated character tokenizer, loaded by DJL's Hugging Face tokenizers (Rust, in-jar native library). */
class TokenizerTest {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 '.,?";

    @TempDir
    Path dir;

    private HuggingFaceTokenizer tokenizer() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        CharTokenizerJson.write(file, ALPHABET);
        return HuggingFaceTokenizer.newInstance(file);
    }

    @Test
    void everyCharacterIsOneTokenAndDecodingRestoresTheText() throws Exception {
        try (HuggingFaceTokenizer tokenizer = tokenizer()) {
            long[] ids = tokenizer.encode("abc 42", false, false).getIds();
            assertThat(ids).hasSize(6);
            assertThat(ids[0]).isEqualTo(CharTokenizerJson.SPECIAL_TOKENS.size());
            assertThat(tokenizer.decode(ids, false)).isEqualTo("abc 42");
        }
    }

    @Test
    void specialTokensAreSingleIdsAndUnknownCharactersBecomeUnk() throws Exception {
        try (HuggingFaceTokenizer tokenizer = tokenizer()) {
            long[] ids = tokenizer.encode("<|user|>a<|end|>", false, false).getIds();
            assertThat(ids)
                    .containsExactly(
                            CharTokenizerJson.SPECIAL_TOKENS.indexOf("<|user|>"),
                            CharTokenizerJson.SPECIAL_TOKENS.size(),
                            CharTokenizerJson.SPECIAL_TOKENS.indexOf("<|end|>"));
            assertThat(tokenizer.encode("a€", false, false).getIds())
                    .containsExactly(
                            CharTokenizerJson.SPECIAL_TOKENS.size(), CharTokenizerJson.SPECIAL_TOKENS.indexOf("<unk>"));
        }
    }

    @Test
    void promptAndResponseAreEncodedWithAnExactResponseMask() throws Exception {
        try (PromptResponseEncoder encoder = new PromptResponseEncoder(tokenizer(), BuiltInChatTemplate.FUSEFLOW)) {
            PromptResponseEncoder.Encoded encoded = encoder.encode(
                    List.of(
                            new ChatMessage(ChatRole.SYSTEM, "be brief"),
                            new ChatMessage(ChatRole.USER, "reverse abc")),
                    "cba");
            String prompt = "<|system|>be brief<|end|><|user|>reverse abc<|end|><|assistant|>";
            // Five special tokens (three headers, two ends) and one token per character.
            int promptTokens = 5 + "be brief".length() + "reverse abc".length();
            assertThat(encoded.tokens()).hasSize(promptTokens + 4);
            assertThat(encoder.decode(encoded.tokens())).isEqualTo(prompt + "cba<|end|>");
            for (int i = 0; i < encoded.tokens().length; i++) {
                assertThat(encoded.responseMask()[i]).as("position %d", i).isEqualTo(i >= promptTokens ? 1L : 0L);
            }
        }
    }

    @Test
    void llama3TemplateUsesItsHeaderTokens() {
        String text = BuiltInChatTemplate.LLAMA_3.prompt(List.of(new ChatMessage(ChatRole.USER, "hi")));
        assertThat(text)
                .isEqualTo("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(BuiltInChatTemplate.LLAMA_3.prompt(List.of(new ChatMessage(ChatRole.TOOL, "{}"))))
                .startsWith("<|start_header_id|>ipython<|end_header_id|>\n\n{}<|eot_id|>");
        assertThatThrownBy(() -> BuiltInChatTemplate.FUSEFLOW.prompt(List.of(new ChatMessage(ChatRole.UNKNOWN, "x"))))
                .hasMessage("chat role UNKNOWN has no header in the FUSEFLOW template");
    }
}
