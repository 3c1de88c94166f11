package dev.fuseflow.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chat templates render as transformers 5.17's {@code apply_chat_template} renders them ({@code
 * make_chat_golden.py}): for three template styles (Llama 3 with bos_token and trim; ChatML with a
 * default system prompt and tool turns, its template inside tokenizer_config.json; Gemma-style with
 * raise_exception), templates FuseFlow wrote in the style of six model families (Qwen3 with its
 * reasoning and reversed search for the latest question, Qwen2.5, Llama 3.1, Llama 3.2 with its date
 * from strftime_now, Mistral v0.3 folding the system prompt into the last user turn, SmolLM2), and
 * conversations with every role, the prompt text and ids, the answered conversation's text and ids
 * (prompt plus response, the response's span exactly the assistant turn and its end-of-turn), or
 * the template's refusal. The families' published templates are not in the repository: with {@code
 * -Dfuseflow.realTemplates=DIR}, where {@code make_chat_golden.py --real-templates} wrote the same
 * cases for one's own copies of them, they are checked alike.
 */
class ChatTemplateParityTest {

    /** Where {@code make_chat_golden.py --real-templates} wrote its folders, one per family; unset in CI. */
    private static final String REAL_TEMPLATES = "fuseflow.realTemplates";

    private static final String STYLE_SUFFIX = "-style";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "llama3",
                "chatml",
                "gemma",
                "qwen3-style",
                "qwen2_5-style",
                "llama3_1-style",
                "llama3_2-style",
                "mistral_v3-style",
                "smollm2-style"
            })
    void textAndIdsEqualTransformers(String style) throws Exception {
        assertRendersAsTransformers(
                Path.of(getClass().getResource("/golden/chat/" + style).toURI()));
    }

    /** The families' published templates, from the user's own copies: opt-in, never in the repository. */
    @ParameterizedTest
    @EnabledIfSystemProperty(named = REAL_TEMPLATES, matches = ".+")
    @MethodSource("realTemplateFolders")
    void publishedTemplatesRenderAsTransformers(Path folder) throws Exception {
        assertRendersAsTransformers(folder);
    }

    static Stream<Path> realTemplateFolders() throws IOException {
        try (Stream<Path> folders = Files.list(Path.of(System.getProperty(REAL_TEMPLATES)))) {
            return folders.filter(folder -> Files.exists(folder.resolve("cases.json"))).sorted().toList().stream();
        }
    }

    private static void assertRendersAsTransformers(Path folder) throws Exception {
        String family = folder.getFileName().toString().replace(STYLE_SUFFIX, "");
        JsonNode golden =
                new ObjectMapper().readTree(folder.resolve("cases.json").toFile());
        // transformers' strftime_now read this time while the goldens were made
        Clock clock = Clock.fixed(
                LocalDateTime.parse(golden.path("now").asText("2026-03-05T09:30:00"))
                        .toInstant(ZoneOffset.UTC),
                ZoneOffset.UTC);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"));
                PromptResponseEncoder encoder =
                        new PromptResponseEncoder(tokenizer, ChatTemplates.forModel(folder, tokenizer, clock))) {
            ChatTemplate template = ChatTemplates.forModel(folder, tokenizer, clock);
            assertThat(template).isInstanceOf(JinjaChatTemplate.class);
            long endOfTurnId = tokenizer.encode(endOfTurn(family), false, false).getIds()[0];
            assertThat(encoder.endOfTurnId())
                    .as("generation stops on the template's end-of-turn token")
                    .isEqualTo(endOfTurnId);
            for (JsonNode c : golden.path("cases")) {
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
                if (c.path("prompt_is_not_prefix").asBoolean()) {
                    // the answered conversation rewrites its prompt: no span is the answer alone
                    assertThatThrownBy(() -> template.response(messages, response))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("does not start with its own generation prompt");
                    continue;
                }
                assertThat(prompt + template.response(messages, response))
                        .isEqualTo(c.path("full_text").asText());
                assertThat(template.response(messages, response))
                        .as("the response span is the assistant turn as the template renders it")
                        .contains(PythonStrings.strip(response, null, true, true));

                long[] promptIds = encoder.promptIds(messages);
                long[] responseIds = encoder.responseIds(messages, response);
                assertThat(promptIds).containsExactly(longs(c.path("prompt_ids")));
                assertThat(LongStream.concat(LongStream.of(promptIds), LongStream.of(responseIds))
                                .toArray())
                        .as("prompt ids then response ids, as transformers tokenizes the answered conversation")
                        .containsExactly(longs(c.path("full_ids")));
                assertThat(responseIds).as("the response ends its turn").contains(endOfTurnId);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // a Python string method the engine does not have
                "{% for m in messages %}{{ m.content.zfill(3) }}{% endfor %}|str.zfill()",
                // a jinja2 filter Jinjava lacks, which Jinjava alone would render as nothing
                "{{ messages | map(attribute='content') | max }}|the filter 'max'",
                // a string escape jinja2 reads and Jinjava's expression scanner does not
                "{{ '\\u00e9' }}{% for m in messages %}{{ m.content }}{% endfor %}|invalid escape sequence \\u"
            })
    void aTemplateTheEngineCannotRenderIsRefusedAtStartNamingTheFileAndTheConstruct(
            String templateAndConstruct, @TempDir Path dir) throws Exception {
        String template = templateAndConstruct.substring(0, templateAndConstruct.lastIndexOf('|'));
        String construct = templateAndConstruct.substring(templateAndConstruct.lastIndexOf('|') + 1);
        Path folder = Path.of(getClass().getResource("/golden/chat/llama3").toURI());
        Files.copy(folder.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("chat_template.jinja"), template);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            assertThatThrownBy(() -> ChatTemplates.forModel(dir, tokenizer))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(dir.resolve("chat_template.jinja").toString())
                    .hasMessageContaining("cannot be rendered by FuseFlow's Jinja engine")
                    .hasMessageContaining(construct);
        }
    }

    private static String endOfTurn(String family) {
        return switch (family) {
            case "llama3", "llama3_1", "llama3_2" -> "<|eot_id|>";
            case "chatml", "qwen3", "qwen2_5", "smollm2" -> "<|im_end|>";
            case "mistral_v3" -> "</s>";
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
