package dev.fuseflow.trainer.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.util.List;

/**
 * Turns (prompt, response) pairs into the token ids and response mask the objectives need,
 * through a Hugging Face {@code tokenizer.json} and a chat template. Prompt and response are
 * encoded separately, so the boundary between them is exact whatever the tokenizer merges.
 */
public final class PromptResponseEncoder implements AutoCloseable {

    /** Token ids of prompt then response, and for each a 1 where the token belongs to the response. */
    public record Encoded(long[] tokens, long[] responseMask) {}

    private final HuggingFaceTokenizer tokenizer;
    private final ChatTemplate template;

    public PromptResponseEncoder(HuggingFaceTokenizer tokenizer, ChatTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
    }

    public Encoded encode(List<ChatMessage> prompt, String response) {
        long[] promptIds = promptIds(prompt);
        long[] responseIds = responseIds(prompt, response);
        long[] tokens = new long[promptIds.length + responseIds.length];
        long[] mask = new long[tokens.length];
        System.arraycopy(promptIds, 0, tokens, 0, promptIds.length);
        System.arraycopy(responseIds, 0, tokens, promptIds.length, responseIds.length);
        for (int i = promptIds.length; i < tokens.length; i++) {
            mask[i] = 1;
        }
        return new Encoded(tokens, mask);
    }

    /** The prompt through the chat template, ending with the assistant header. */
    public long[] promptIds(List<ChatMessage> prompt) {
        return tokenizer.encode(template.prompt(prompt), false, false).getIds();
    }

    /** The response as the template renders the assistant's turn after {@code prompt}, end-of-turn included. */
    public long[] responseIds(List<ChatMessage> prompt, String response) {
        return tokenizer
                .encode(template.response(prompt, response), false, false)
                .getIds();
    }

    /**
     * The token that ends an assistant turn, where generation stops: the first special token the
     * template renders after an empty answer ({@code <|eot_id|>}, {@code <|im_end|>}; Qwen3 puts an
     * empty {@code <think></think>} before it, Mistral a space before {@code </s>}). It must be a
     * special token, not text a model could also mean to write.
     */
    public long endOfTurnId() {
        List<ChatMessage> probe = List.of(new ChatMessage(ChatRole.USER, "?"));
        String marker = template.response(probe, "");
        for (long id : tokenizer.encode(marker, false, false).getIds()) {
            if (tokenizer.decode(new long[] {id}, true).isEmpty()) {
                return id;
            }
        }
        throw new IllegalStateException("the end-of-turn marker '" + marker + "' of " + template.source()
                + " holds no special token of this tokenizer; generation needs one to stop on");
    }

    /** Where the chat template comes from (for logs). */
    public String templateSource() {
        return template.source();
    }

    /** Generated text as a user would see it: special tokens (padding, headers, unknowns) left out. */
    public String decodeText(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
