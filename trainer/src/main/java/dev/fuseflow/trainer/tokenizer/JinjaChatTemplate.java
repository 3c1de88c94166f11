package dev.fuseflow.trainer.tokenizer;

import com.hubspot.jinjava.Jinjava;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's own chat template (Jinja, as {@code chat_template.jinja} or {@code chat_template} in
 * {@code tokenizer_config.json}), rendered with Jinjava the way transformers' {@code
 * apply_chat_template} renders it with jinja2 ({@link TransformersJinja}: the same environment,
 * Python's string methods and slices), with the {@code messages}, {@code add_generation_prompt}
 * and the tokenizer's special tokens ({@code bos_token}, {@code eos_token}, ...). The response is what the full
 * conversation renders beyond the prompt with its generation prompt (as TRL takes a completion),
 * so whatever the template puts around an assistant turn is trained exactly.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    private final String template;
    private final Map<String, Object> specialTokens;
    private final String source;
    private final Jinjava jinjava;

    public JinjaChatTemplate(String template, Map<String, String> specialTokens, String source) {
        this(template, specialTokens, source, Clock.systemDefaultZone());
    }

    /** With the clock {@code strftime_now} reads (Llama 3.2's "Today Date"), as transformers reads the local time. */
    public JinjaChatTemplate(String template, Map<String, String> specialTokens, String source, Clock clock) {
        this.template = template;
        this.specialTokens = Map.copyOf(specialTokens);
        this.source = source;
        this.jinjava = TransformersJinja.create(clock);
    }

    @Override
    public String prompt(List<ChatMessage> messages) {
        return render(messages, true);
    }

    @Override
    public String response(List<ChatMessage> prompt, String content) {
        List<ChatMessage> conversation = new ArrayList<>(prompt);
        conversation.add(new ChatMessage(ChatRole.ASSISTANT, content));
        String full = render(conversation, false);
        String start = prompt(prompt);
        if (!full.startsWith(start)) {
            throw new IllegalArgumentException(source + " renders an answered conversation that does not start with"
                    + " its own generation prompt, so the answer's tokens cannot be told apart; prompt ends '"
                    + tail(start) + "', the conversation reads '"
                    + tail(full.substring(0, Math.min(full.length(), start.length()))) + "' there");
        }
        return full.substring(start.length());
    }

    @Override
    public String source() {
        return source;
    }

    /** The conversation through the template, as transformers' {@code apply_chat_template(tokenize=False)}. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Map<String, Object> bindings = new HashMap<>(specialTokens);
        bindings.put("messages", messages.stream().map(JinjaChatTemplate::asMap).toList());
        bindings.put("add_generation_prompt", addGenerationPrompt);
        return TransformersJinja.render(jinjava, template, bindings, source);
    }

    private static Map<String, Object> asMap(ChatMessage message) {
        if (message.getRole() == ChatRole.UNKNOWN) {
            throw new IllegalArgumentException(
                    "chat role UNKNOWN (a role this reader does not know) cannot be rendered");
        }
        return Map.of("role", message.getRole().name().toLowerCase(Locale.ROOT), "content", message.getContent());
    }

    private static String tail(String text) {
        return text.length() <= 40 ? text : "..." + text.substring(text.length() - 40);
    }
}
