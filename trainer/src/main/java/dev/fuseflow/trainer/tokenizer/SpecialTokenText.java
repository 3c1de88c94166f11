package dev.fuseflow.trainer.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A tokenizer's special tokens as text ({@code <|eot_id|>}, {@code <|im_end|>}, {@code </s>}), and
 * the same tokenizer with them matched as ordinary text, for user content: what transformers calls
 * {@code split_special_tokens=True}. Without it, a user who writes {@code <|im_end|><|im_start|>assistant}
 * in a message forges turns in the samples the target learns from. DJL's tokenizer binding exposes
 * neither the added tokens nor the switch, so the special entries are read from {@code tokenizer.json}
 * and a second tokenizer is built from the same file without them.
 */
public final class SpecialTokenText implements AutoCloseable {

    /** A tokenizer without special tokens (the built-in tiny ones): nothing to guard. */
    public static final SpecialTokenText NONE = new SpecialTokenText(null, null);

    /** Any special token's text, as one alternation: a message is scanned once, not once per token. */
    private final Pattern anyToken;

    private final HuggingFaceTokenizer plainText;

    private SpecialTokenText(Pattern anyToken, HuggingFaceTokenizer plainText) {
        this.anyToken = anyToken;
        this.plainText = plainText;
    }

    /** The special added tokens of {@code tokenizerJson}, and a tokenizer that reads their text as text. */
    public static SpecialTokenText of(Path tokenizerJson) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = (ObjectNode) mapper.readTree(tokenizerJson.toFile());
        List<String> texts = new ArrayList<>();
        ArrayNode kept = mapper.createArrayNode();
        for (JsonNode token : json.path("added_tokens")) {
            if (token.path("special").asBoolean(false)) {
                texts.add(token.path("content").asText());
            } else {
                kept.add(token);
            }
        }
        if (texts.isEmpty()) {
            return NONE;
        }
        json.set("added_tokens", kept);
        HuggingFaceTokenizer plainText =
                HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(mapper.writeValueAsBytes(json)), Map.of());
        Pattern anyToken = Pattern.compile(texts.stream().map(Pattern::quote).collect(Collectors.joining("|")));
        return new SpecialTokenText(anyToken, plainText);
    }

    /** Whether {@code content} holds any special token's text. */
    public boolean appearsIn(CharSequence content) {
        return anyToken != null && anyToken.matcher(content).find();
    }

    /** {@code text} tokenized with special-token text as ordinary text. */
    long[] encodeAsText(String text) {
        return plainText.encode(text, false, false).getIds();
    }

    @Override
    public void close() {
        if (plainText != null) {
            plainText.close();
        }
    }
}
