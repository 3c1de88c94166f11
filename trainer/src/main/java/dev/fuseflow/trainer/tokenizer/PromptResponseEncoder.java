package dev.fuseflow.trainer.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns (prompt, response) pairs into the token ids and response mask the objectives need,
 * through a Hugging Face {@code tokenizer.json} and a chat template. Prompt and response are
 * encoded separately, so the boundary between them is exact whatever the tokenizer merges.
 *
 * <p>Only the template inserts control tokens. Text is tokenized as transformers tokenizes the
 * rendered conversation, except where a message or response holds a special token's text: that
 * conversation is rendered with a placeholder for each message, the template's text between them
 * is tokenized as usual and each message's own text with special-token text as ordinary text
 * ({@link SpecialTokenText}), so user content cannot forge turns.
 */
public final class PromptResponseEncoder implements AutoCloseable {

    /** Token ids of prompt then response, and for each a 1 where the token belongs to the response. */
    public record Encoded(long[] tokens, long[] responseMask) {}

    /** Private-use characters around a placeholder's number: no tokenizer's special token, no user's text. */
    private static final char OPEN = '\uE000';

    private static final char CLOSE = '\uE001';

    private final HuggingFaceTokenizer tokenizer;
    private final ChatTemplate template;
    private final SpecialTokenText specials;

    /**
     * The encoder of a model folder: its {@code tokenizer} (opened and checked by the caller), its
     * chat template, and its special tokens kept out of message text.
     */
    public static PromptResponseEncoder forModel(Path dir, HuggingFaceTokenizer tokenizer) throws IOException {
        return new PromptResponseEncoder(
                tokenizer, ChatTemplates.forModel(dir, tokenizer), SpecialTokenText.of(dir.resolve("tokenizer.json")));
    }

    /** For a tokenizer without special tokens (FuseFlow's built-in ones). */
    public PromptResponseEncoder(HuggingFaceTokenizer tokenizer, ChatTemplate template) {
        this(tokenizer, template, SpecialTokenText.NONE);
    }

    public PromptResponseEncoder(HuggingFaceTokenizer tokenizer, ChatTemplate template, SpecialTokenText specials) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.specials = specials;
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
        if (holdsSpecialText(prompt, "")) {
            List<String> contents = contents(prompt, null);
            return encodePlaced(template.prompt(placeholders(prompt)), contents, prompt.size());
        }
        return tokenizer.encode(template.prompt(prompt), false, false).getIds();
    }

    /** The response as the template renders the assistant's turn after {@code prompt}, end-of-turn included. */
    public long[] responseIds(List<ChatMessage> prompt, String response) {
        if (holdsSpecialText(prompt, response)) {
            List<String> contents = contents(prompt, response);
            return encodePlaced(
                    template.response(placeholders(prompt), placeholder(prompt.size())), contents, prompt.size());
        }
        return tokenizer
                .encode(template.response(prompt, response), false, false)
                .getIds();
    }

    private boolean holdsSpecialText(List<ChatMessage> prompt, String response) {
        return specials.appearsIn(response) || prompt.stream().anyMatch(m -> specials.appearsIn(m.getContent()));
    }

    private static String placeholder(int index) {
        return OPEN + Integer.toString(index) + CLOSE;
    }

    private static List<ChatMessage> placeholders(List<ChatMessage> prompt) {
        List<ChatMessage> placed = new ArrayList<>();
        for (int i = 0; i < prompt.size(); i++) {
            placed.add(new ChatMessage(prompt.get(i).getRole(), placeholder(i)));
        }
        return placed;
    }

    /** Each message's text by placeholder number, the response's (if any) last. */
    private static List<String> contents(List<ChatMessage> prompt, String response) {
        List<String> contents = new ArrayList<>();
        prompt.forEach(m -> contents.add(m.getContent().toString()));
        if (response != null) {
            contents.add(response);
        }
        return contents;
    }

    /**
     * Tokenizes {@code rendered} piece by piece: the template's text as usual, each placeholder as its
     * message's text with special-token text as text. A message the template leaves out is simply
     * not there; one it cuts apart or renders more than once cannot be kept apart from the
     * template's text: refused, naming it.
     */
    private long[] encodePlaced(String rendered, List<String> contents, int promptMessages) {
        List<long[]> pieces = new ArrayList<>();
        int[] seen = new int[contents.size()];
        int from = 0;
        for (int open = rendered.indexOf(OPEN, from); open >= 0; open = rendered.indexOf(OPEN, from)) {
            int close = rendered.indexOf(CLOSE, open);
            int index = close < 0 ? -1 : placeholderIndex(rendered.substring(open + 1, close), contents.size());
            if (index < 0) {
                throw new IllegalArgumentException("the chat template " + template.source()
                        + " cut a message apart; a message holding special-token text cannot be rendered with it");
            }
            pieces.add(tokenizer
                    .encode(rendered.substring(from, open), false, false)
                    .getIds());
            pieces.add(specials.encodeAsText(contents.get(index)));
            seen[index]++;
            from = close + 1;
        }
        pieces.add(tokenizer.encode(rendered.substring(from), false, false).getIds());
        for (int i = 0; i < seen.length; i++) {
            if (seen[i] > 1) {
                throw new IllegalArgumentException((i < promptMessages ? "prompt[" + i + "].content" : "the response")
                        + " holds special-token text and the chat template " + template.source()
                        + " renders it more than once; it cannot be kept as plain text");
            }
        }
        return concat(pieces);
    }

    private static int placeholderIndex(String number, int count) {
        try {
            int index = Integer.parseInt(number);
            return index < count ? index : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long[] concat(List<long[]> pieces) {
        long[] ids = new long[pieces.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (long[] piece : pieces) {
            System.arraycopy(piece, 0, ids, at, piece.length);
            at += piece.length;
        }
        return ids;
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

    /** The chat template the encoder renders with. */
    public ChatTemplate template() {
        return template;
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
        specials.close();
    }
}
