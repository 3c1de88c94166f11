package dev.fuseflow.trainer.tokenizer;

import dev.fuseflow.schemas.avro.ChatMessage;
import java.util.List;

/**
 * How a chat prompt and an answer become text before tokenization: the prompt ends where the
 * assistant's answer starts (the generation prompt), and the response is exactly what the
 * template renders for the assistant turn after it, end-of-turn included, so the model learns to
 * close its turn. A model's own Jinja template ({@link JinjaChatTemplate}) or FuseFlow's built-in
 * one ({@link BuiltInChatTemplate}); {@link ChatTemplates#forModel} picks.
 */
public sealed interface ChatTemplate permits BuiltInChatTemplate, JinjaChatTemplate {

    /** The prompt text, ending with the generation prompt so that generation continues as the assistant. */
    String prompt(List<ChatMessage> messages);

    /** The text the model must produce after {@code prompt} to answer {@code content}, end-of-turn included. */
    String response(List<ChatMessage> prompt, String content);

    /** Where the template comes from, for the start-up log ("chat_template.jinja of DIR", "built-in FUSEFLOW"). */
    String source();
}
