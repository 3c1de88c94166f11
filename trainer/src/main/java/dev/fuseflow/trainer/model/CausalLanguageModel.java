package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What generation needs from an architecture. The forward pass takes (token ids (B, T), attention
 * mask (B, T)) and returns logits (B, T, V). With a KV cache it takes (new token ids (B, N),
 * attention mask over past and new tokens (B, P + N), then the keys and values of every layer) and
 * returns (logits of the new tokens (B, N, V), then the keys and values extended by N), as Hugging
 * Face's {@code past_key_values} do. In the packed form ({@link ForwardInputs#packed}) it takes
 * (token ids (B, T), positions (B, T), attention bias (B, 1, T, T)) and returns logits (B, T, V):
 * several sequences that share a prefix, laid out in one row, with a bias that keeps them apart.
 */
public interface CausalLanguageModel extends Block {

    /** Positions the model can address ({@code n_positions}, {@code max_position_embeddings}). */
    int contextLength();

    /** Every parameter under its Hugging Face name, for loading and saving name for name. */
    HuggingFaceNames huggingFaceParameters();

    /** The config.json transformers reads for a model of this shape made by FuseFlow itself. */
    ObjectNode huggingFaceConfig();

    /**
     * Whether the packed form computes exactly what separate sequences would, for a packed row of
     * {@code length} tokens whose largest position is {@code longestPosition}: not where a layer's
     * sliding window (on token indices) is shorter than the row, nor where the rotary frequencies
     * depend on the sequence's length beyond the trained context (dynamic scaling).
     */
    boolean packsExactly(long length, long longestPosition);

    /** Keys and values of no tokens yet, one pair per layer, each (B, kv heads, 0, head size), in the weights' type. */
    NDList emptyKvCache(NDManager manager, long batch);
}
