package dev.fuseflow.trainer.sampling;

/**
 * How the next token is drawn, with the meaning Hugging Face's {@code generate} gives the same names.
 *
 * @param temperature  logits are divided by it; 0 means greedy (always the most likely token)
 * @param topK         keep only the k most likely tokens; 0 keeps all
 * @param topP         keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all
 * @param maxNewTokens stop a sequence after this many generated tokens if it has not produced EOS
 * @param seed         the same seed, prompts and model give the same tokens
 */
public record SamplingConfig(double temperature, int topK, double topP, int maxNewTokens, long seed) {

    public SamplingConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "temperature must be a finite number >= 0 (0 = greedy), was " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = no limit), was " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = no limit), was " + topP);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, was " + maxNewTokens);
        }
    }

    /** Always the most likely token: what evaluation and tests use. */
    public static SamplingConfig greedy(int maxNewTokens) {
        return new SamplingConfig(0, 0, 1, maxNewTokens, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
