package dev.fuseflow.trainer.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat template of a model folder: {@code chat_template.jinja} (as transformers 5 saves it),
 * else {@code chat_template} in {@code tokenizer_config.json} (earlier checkpoints; a list of named
 * templates gives its "default"), rendered with the special tokens {@code tokenizer_config.json}
 * names; a folder with neither gets FuseFlow's built-in template, and the log says so.
 */
public final class ChatTemplates {

    private static final Logger LOG = LoggerFactory.getLogger(ChatTemplates.class);
    private static final String JINJA_FILE = "chat_template.jinja";
    private static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    private ChatTemplates() {}

    public static ChatTemplate forModel(Path dir, HuggingFaceTokenizer tokenizer) throws IOException {
        return forModel(dir, tokenizer, Clock.systemDefaultZone());
    }

    /** As {@link #forModel(Path, HuggingFaceTokenizer)}, with the clock a template's {@code strftime_now} reads. */
    public static ChatTemplate forModel(Path dir, HuggingFaceTokenizer tokenizer, Clock clock) throws IOException {
        JsonNode tokenizerConfig = Files.isRegularFile(dir.resolve(TOKENIZER_CONFIG))
                ? new ObjectMapper().readTree(dir.resolve(TOKENIZER_CONFIG).toFile())
                : new ObjectMapper().createObjectNode();
        ChatTemplate template;
        if (Files.isRegularFile(dir.resolve(JINJA_FILE))) {
            template = new JinjaChatTemplate(
                    Files.readString(dir.resolve(JINJA_FILE)),
                    specialTokens(tokenizerConfig),
                    dir.resolve(JINJA_FILE).toString(),
                    clock);
        } else if (tokenizerConfig.hasNonNull("chat_template")) {
            template = new JinjaChatTemplate(
                    embedded(tokenizerConfig.path("chat_template"), dir),
                    specialTokens(tokenizerConfig),
                    "chat_template of " + dir.resolve(TOKENIZER_CONFIG),
                    clock);
        } else {
            template = builtIn(tokenizer);
            LOG.info(
                    "{} has no chat template ({} or chat_template in {}): using {}",
                    dir,
                    JINJA_FILE,
                    TOKENIZER_CONFIG,
                    template.source());
            return template;
        }
        probe(template);
        LOG.info("chat template: {}", template.source());
        return template;
    }

    /**
     * Renders a one-turn conversation and its answer once at start: a template the engine cannot
     * render (a Python string method it does not know, a filter or tag jinja2 has and Jinjava not)
     * is refused now, naming the file and the construct, instead of turning every sample into a
     * dead letter later.
     */
    private static void probe(ChatTemplate template) {
        try {
            template.response(List.of(new ChatMessage(ChatRole.USER, "Hello")), "Hi");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    template.source() + " cannot be rendered by FuseFlow's Jinja engine"
                            + " (Jinjava) for a one-turn conversation: " + e.getMessage()
                            + ". Put a template FuseFlow can render"
                            + " in chat_template.jinja, or remove the template to use FuseFlow's built-in one.",
                    e);
        }
    }

    /**
     * The built-in template a tokenizer was made for: Llama 3's when {@code <|start_header_id|>} is
     * one of its tokens, FuseFlow's otherwise.
     */
    public static BuiltInChatTemplate builtIn(HuggingFaceTokenizer tokenizer) {
        return tokenizer.encode("<|start_header_id|>", false, false).getIds().length == 1
                ? BuiltInChatTemplate.LLAMA_3
                : BuiltInChatTemplate.FUSEFLOW;
    }

    private static String embedded(JsonNode chatTemplate, Path dir) {
        if (chatTemplate.isTextual()) {
            return chatTemplate.asText();
        }
        for (JsonNode named : chatTemplate) {
            if ("default".equals(named.path("name").asText())) {
                return named.path("template").asText();
            }
        }
        throw new IllegalArgumentException(dir.resolve(TOKENIZER_CONFIG)
                + ": field 'chat_template' is a list of templates with none named 'default'");
    }

    /** bos_token, eos_token, ...: a string, or an added token's {@code content}, as tokenizer_config.json writes them. */
    private static Map<String, String> specialTokens(JsonNode tokenizerConfig) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tokenizerConfig.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().endsWith("_token")) {
                continue;
            }
            JsonNode value = field.getValue();
            if (value.isTextual()) {
                tokens.put(field.getKey(), value.asText());
            } else if (value.hasNonNull("content")) {
                tokens.put(field.getKey(), value.path("content").asText());
            }
        }
        return tokens;
    }
}
