package dev.fuseflow.trainer.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the character-level {@code tokenizer.json} of FuseFlow's built-in tiny models, in Hugging
 * Face's format so that the same loader serves real models: a BPE model with one token per
 * character and no merges (so it splits text into characters), and the special tokens as added
 * tokens that are never split.
 */
public final class CharTokenizerJson {

    /** Special tokens, in id order from 0. */
    public static final List<String> SPECIAL_TOKENS = List.of(
            "<pad>",
            "<bos>",
            "<eos>",
            "<unk>",
            BuiltInChatTemplate.FUSEFLOW.systemHeader(),
            BuiltInChatTemplate.FUSEFLOW.userHeader(),
            BuiltInChatTemplate.FUSEFLOW.assistantHeader(),
            BuiltInChatTemplate.FUSEFLOW.endOfTurn());

    private CharTokenizerJson() {}

    /** Writes a tokenizer for the given characters (each once) to {@code file}, with {@link #SPECIAL_TOKENS}. */
    public static void write(Path file, String characters) throws IOException {
        write(file, SPECIAL_TOKENS, characters);
    }

    /**
     * Writes a tokenizer with the given special tokens (ids 0, 1, ... in order) and then the given
     * characters (each once), for a model with a chat template of its own.
     */
    public static void write(Path file, List<String> specialTokens, String characters) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = json.createObjectNode();
        int id = 0;
        for (String special : specialTokens) {
            added.addObject()
                    .put("id", id)
                    .put("content", special)
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
            vocab.put(special, id++);
        }
        for (int i = 0; i < characters.length(); ) {
            int codePoint = characters.codePointAt(i);
            String character = new String(Character.toChars(codePoint));
            if (!vocab.has(character)) {
                vocab.put(character, id++);
            }
            i += Character.charCount(codePoint);
        }
        root.putNull("normalizer");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        // Fuse: join the tokens without the space the default decoder puts between them.
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        model.putArray("merges");
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }
}
