package dev.fuseflow.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The token-to-id map of a Hugging Face {@code tokenizer.json}: its model's vocabulary (a map for
 * BPE and WordLevel, a list of pieces for Unigram) and its added tokens. Read from the JSON because
 * DJL's tokenizer wrapper does not expose the vocabulary.
 */
record TokenizerVocabulary(Map<String, Integer> ids) {

    static TokenizerVocabulary of(Path tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> token = it.next();
                ids.put(token.getKey(), token.getValue().asInt());
            }
        } else if (vocab.isArray()) {
            for (int id = 0; id < vocab.size(); id++) {
                ids.put(vocab.path(id).path(0).asText(), id);
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asInt());
        }
        return new TokenizerVocabulary(Map.copyOf(ids));
    }

    /** One more than the largest id: how many embedding rows the tokenizer needs. */
    int size() {
        return ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }
}
