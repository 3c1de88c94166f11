package dev.fuseflow.trainer.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fuseflow.schemas.avro.ChatMessage;
import java.util.List;

/**
 * How a chat prompt becomes text before tokenization. Each turn is
 * {@code header(role) + content + endOfTurn}; the prompt ends with the assistant header, and a
 * response is {@code content + endOfTurn}, so the model learns to close its turn.
 *
 * <ul>
 *   <li>{@link #FUSEFLOW}: the built-in tiny models' template ({@code <|user|>hi<|end|><|assistant|>});</li>
 *   <li>{@link #LLAMA_3}: Llama 3's header tokens
 *       ({@code <|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>}), without the leading
 *       {@code <|begin_of_text|>}, which the tokenizer adds.</li>
 * </ul>
 */
public record ChatTemplate(String systemHeader, String userHeader, String assistantHeader, String endOfTurn) {

    public static final ChatTemplate FUSEFLOW = new ChatTemplate("<|system|>", "<|user|>", "<|assistant|>", "<|end|>");

    public static final ChatTemplate LLAMA_3 = new ChatTemplate(
            "<|start_header_id|>system<|end_header_id|>\n\n", "<|start_header_id|>user<|end_header_id|>\n\n",
            "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>");

    /**
     * The template a tokenizer was made for: Llama 3's when {@code <|start_header_id|>} is one of
     * its tokens, FuseFlow's otherwise.
     */
    public static ChatTemplate forTokenizer(HuggingFaceTokenizer tokenizer) {
        return tokenizer.encode("<|start_header_id|>", false, false).getIds().length == 1 ? LLAMA_3 : FUSEFLOW;
    }

    /** The prompt text, ending with the assistant header so that generation continues as the assistant. */
    public String prompt(List<ChatMessage> messages) {
        StringBuilder text = new StringBuilder();
        for (ChatMessage message : messages) {
            text.append(header(message)).append(message.getContent()).append(endOfTurn);
        }
        return text.append(assistantHeader).toString();
    }

    /** The response text as the model must produce it. */
    public String response(String content) {
        return content + endOfTurn;
    }

    private String header(ChatMessage message) {
        return switch (message.getRole()) {
            case SYSTEM -> systemHeader;
            case USER -> userHeader;
            case ASSISTANT -> assistantHeader;
            default ->
                throw new IllegalArgumentException(
                        "chat role " + message.getRole() + " has no header in this template");
        };
    }
}
