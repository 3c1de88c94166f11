package dev.fuseflow.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The models' own Jinja templates render as transformers 5.17's {@code apply_chat_template}
 * renders them ({@code make_chat_golden.py}): for three template styles (Llama 3 with bos_token and
 * trim; ChatML with a default system prompt and tool turns, its template inside
 * tokenizer_config.json; Gemma-style with raise_exception) and conversations with every role, the
 * prompt text and ids, the answered conversation's text and ids (prompt plus response, the
 * response's span exactly the assistant turn and its end-of-turn), or the template's refusal.
 */
class ChatTemplateParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "chatml", "gemma"})
    void textAndIdsEqualTransformers(String style) throws Exception {
        Path folder = Path.of(getClass().getResource("/golden/chat/" + style).toURI());
        JsonNode cases = new ObjectMapper()
                .readTree(folder.resolve("cases.json").toFile())
                .path("cases");
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"));
                PromptResponseEncoder encoder =
                        new PromptResponseEncoder(tokenizer, ChatTemplates.forModel(folder, tokenizer))) {
            ChatTemplate template = ChatTemplates.forModel(folder, tokenizer);
            assertThat(template).isInstanceOf(JinjaChatTemplate.class);
            for (JsonNode c : cases) {
                List<ChatMessage> messages = messages(c.path("messages"));
                String response = c.path("response").asText();
                if (c.has("error")) {
                    // transformers refused the prompt or the answered conversation: rendering the sample fails
                    assertThatThrownBy(() -> template.response(messages, response))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining(c.path("error").asText());
                    continue;
                }
                String prompt = template.prompt(messages);
                assertThat(prompt).isEqualTo(c.path("prompt_text").asText());
                assertThat(prompt + template.response(messages, response))
                        .isEqualTo(c.path("full_text").asText());

                long[] promptIds = encoder.promptIds(messages);
                long[] responseIds = encoder.responseIds(messages, response);
                assertThat(promptIds).containsExactly(longs(c.path("prompt_ids")));
                assertThat(LongStream.concat(LongStream.of(promptIds), LongStream.of(responseIds))
                                .toArray())
                        .as("prompt ids then response ids, as transformers tokenizes the answered conversation")
                        .containsExactly(longs(c.path("full_ids")));
            }
            assertThat(encoder.endOfTurnId())
                    .as("generation stops on the template's end-of-turn token")
                    .isEqualTo(tokenizer.encode(endOfTurn(style), false, false).getIds()[0]);
        }
    }

    @Test
    void aTemplateTheEngineCannotRenderIsRefusedAtStartNamingTheFile(@TempDir Path dir) throws Exception {
        Path folder = Path.of(getClass().getResource("/golden/chat/llama3").toURI());
        Files.copy(folder.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        // Python's str.startswith, as Qwen3's template uses it: not a method Jinjava knows.
        Files.writeString(
                dir.resolve("chat_template.jinja"),
                "{% for m in messages %}{% if m.content.startswith('<tool') %}T{% endif %}{{ m.content }}{% endfor %}");
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            assertThatThrownBy(() -> ChatTemplates.forModel(dir, tokenizer))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(dir.resolve("chat_template.jinja").toString())
                    .hasMessageContaining("cannot be rendered by FuseFlow's Jinja engine")
                    .hasMessageContaining("startswith");
        }
    }

    private static String endOfTurn(String style) {
        return switch (style) {
            case "llama3" -> "<|eot_id|>";
            case "chatml" -> "<|im_end|>";
            default -> "<end_of_turn>";
        };
    }

    private static List<ChatMessage> messages(JsonNode json) {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : json) {
            messages.add(new ChatMessage(
                    ChatRole.valueOf(m.path("role").asText().toUpperCase(Locale.ROOT)),
                    m.path("content").asText()));
        }
        return messages;
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.path(i).asLong();
        }
        return values;
    }
}
