package dev.fuseflow.trainer.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A model's own chat template (Jinja, as {@code chat_template.jinja} or {@code chat_template} in
 * {@code tokenizer_config.json}), rendered with Jinjava the way transformers' {@code
 * apply_chat_template} renders it with jinja2: {@code trim_blocks} and {@code lstrip_blocks}, the
 * {@code messages}, {@code add_generation_prompt}, the tokenizer's special tokens ({@code
 * bos_token}, {@code eos_token}, ...) and {@code raise_exception}. The response is what the full
 * conversation renders beyond the prompt with its generation prompt (as TRL takes a completion),
 * so whatever the template puts around an assistant turn is trained exactly.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    private final String template;
    private final Map<String, Object> specialTokens;
    private final String source;
    private final Jinjava jinjava;

    public JinjaChatTemplate(String template, Map<String, String> specialTokens, String source) {
        this.template = template;
        this.specialTokens = Map.copyOf(specialTokens);
        this.source = source;
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build());
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", JinjaChatTemplate.class, "raiseException", String.class));
    }

    /** What {@code raise_exception} does in a template: the template refuses the conversation. */
    public static String raiseException(String message) {
        throw new IllegalArgumentException("the chat template refuses the conversation: " + message);
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
        RenderResult result;
        try {
            result = jinjava.renderForResult(template, bindings);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + " failed to render: " + e.getMessage(), e);
        }
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(error -> error.getSeverity() == TemplateError.ErrorType.FATAL)
                .toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(source + " failed to render: "
                    + fatal.stream().map(JinjaChatTemplate::describe).collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    private static Map<String, Object> asMap(ChatMessage message) {
        if (message.getRole() == ChatRole.UNKNOWN) {
            throw new IllegalArgumentException(
                    "chat role UNKNOWN (a role this reader does not know) cannot be rendered");
        }
        return Map.of("role", message.getRole().name().toLowerCase(Locale.ROOT), "content", message.getContent());
    }

    private static String describe(TemplateError error) {
        Throwable cause = error.getException();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause instanceof IllegalArgumentException ? cause.getMessage() : error.getMessage();
        return "line " + error.getLineno() + ": " + message;
    }

    private static String tail(String text) {
        return text.length() <= 40 ? text : "..." + text.substring(text.length() - 40);
    }
}
