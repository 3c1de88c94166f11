package dev.fuseflow.trainer.model.gpt2;

/**
 * GPT-2 architecture settings, named after the fields of Hugging Face's {@code config.json}
 * ({@code vocab_size}, {@code n_positions}, {@code n_embd}, {@code n_layer}, {@code n_head},
 * {@code layer_norm_epsilon}).
 */
public record Gpt2Config(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead, float layerNormEpsilon) {

    public Gpt2Config {
        requirePositive("vocab_size", vocabSize);
        requirePositive("n_positions", nPositions);
        requirePositive("n_embd", nEmbd);
        requirePositive("n_layer", nLayer);
        requirePositive("n_head", nHead);
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        if (!(layerNormEpsilon > 0)) {
            throw new IllegalArgumentException("layer_norm_epsilon must be > 0, got " + layerNormEpsilon);
        }
    }

    public int headSize() {
        return nEmbd / nHead;
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }
}
