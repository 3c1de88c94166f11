package dev.fuseflow.trainer.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fuseflow.schemas.avro.ChatMessage;
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
        long[] responseIds = responseIds(response);
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

    /** The response with its end-of-turn marker. */
    public long[] responseIds(String response) {
        return tokenizer.encode(template.response(response), false, false).getIds();
    }

    /**
     * The one token that ends a turn, where generation stops. Multi-token markers are refused: a
     * generator stops on a single id.
     */
    public long endOfTurnId() {
        long[] ids = tokenizer.encode(template.response(""), false, false).getIds();
        if (ids.length != 1) {
            throw new IllegalStateException("the end-of-turn marker '" + template.response("") + "' is " + ids.length
                    + " tokens in this tokenizer; generation needs it to be one");
        }
        return ids[0];
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
