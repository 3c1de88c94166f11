package dev.fuseflow.trainer.tokenizer;

import dev.fuseflow.schemas.avro.ChatMessage;
import java.util.List;

/**
 * FuseFlow's built-in templates, for models that bring none. Each turn is
 * {@code header(role) + content + endOfTurn}; the prompt ends with the assistant header, and a
 * response is {@code content + endOfTurn}.
 *
 * <ul>
 *   <li>{@link #FUSEFLOW}: the built-in tiny models' template ({@code <|user|>hi<|end|><|assistant|>});</li>
 *   <li>{@link #LLAMA_3}: Llama 3's header tokens
 *       ({@code <|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>}), a tool's turn under
 *       Llama 3's {@code ipython} header, without the leading {@code <|begin_of_text|>}, which the
 *       tokenizer adds.</li>
 * </ul>
 */
public record BuiltInChatTemplate(
        String name,
        String systemHeader,
        String userHeader,
        String assistantHeader,
        String toolHeader,
        String endOfTurn)
        implements ChatTemplate {

    public static final BuiltInChatTemplate FUSEFLOW =
            new BuiltInChatTemplate("FUSEFLOW", "<|system|>", "<|user|>", "<|assistant|>", "<|tool|>", "<|end|>");

    public static final BuiltInChatTemplate LLAMA_3 = new BuiltInChatTemplate(
            "LLAMA_3",
            "<|start_header_id|>system<|end_header_id|>\n\n",
            "<|start_header_id|>user<|end_header_id|>\n\n",
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            "<|start_header_id|>ipython<|end_header_id|>\n\n",
            "<|eot_id|>");

    @Override
    public String prompt(List<ChatMessage> messages) {
        StringBuilder text = new StringBuilder();
        for (ChatMessage message : messages) {
            text.append(header(message)).append(message.getContent()).append(endOfTurn);
        }
        return text.append(assistantHeader).toString();
    }

    @Override
    public String response(List<ChatMessage> prompt, String content) {
        return content + endOfTurn;
    }

    @Override
    public String source() {
        return "FuseFlow's built-in " + name + " template";
    }

    private String header(ChatMessage message) {
        return switch (message.getRole()) {
            case SYSTEM -> systemHeader;
            case USER -> userHeader;
            case ASSISTANT -> assistantHeader;
            case TOOL -> toolHeader;
            default ->
                throw new IllegalArgumentException(
                        "chat role " + message.getRole() + " has no header in the " + name + " template");
        };
    }
}
