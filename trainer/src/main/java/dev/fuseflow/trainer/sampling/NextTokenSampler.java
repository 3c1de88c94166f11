package dev.fuseflow.trainer.sampling;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/**
 * Draws one token from one row of logits: temperature, then top-k, then top-p (the order Hugging
 * Face's logits warpers apply them), then a draw from the renormalised distribution. Plain Java on
 * a float[] row because it is a decision, not tensor work, and so it is tested on its own.
 */
public final class NextTokenSampler {

    private final SamplingConfig config;

    public NextTokenSampler(SamplingConfig config) {
        this.config = config;
    }

    public int sample(float[] logits, Random random) {
        if (config.isGreedy()) {
            return argmax(logits);
        }
        Integer[] byLikelihood = byDescendingLogit(logits);
        int kept = config.topK() == 0 ? logits.length : Math.min(config.topK(), logits.length);
        double[] probabilities = softmax(logits, byLikelihood, kept);
        kept = nucleusSize(probabilities, kept);
        double total = 0;
        for (int i = 0; i < kept; i++) {
            total += probabilities[i];
        }
        double draw = random.nextDouble() * total;
        for (int i = 0; i < kept - 1; i++) {
            draw -= probabilities[i];
            if (draw < 0) {
                return byLikelihood[i];
            }
        }
        return byLikelihood[kept - 1];
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Token ids sorted from most to least likely; ties keep the lower id first, so draws are reproducible. */
    private static Integer[] byDescendingLogit(float[] logits) {
        Integer[] ids = new Integer[logits.length];
        Arrays.setAll(ids, i -> i);
        Arrays.sort(ids, Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i));
        return ids;
    }

    /** Probabilities of the first {@code kept} tokens in likelihood order, softmax over those only. */
    private double[] softmax(float[] logits, Integer[] byLikelihood, int kept) {
        double[] probabilities = new double[kept];
        double max = logits[byLikelihood[0]] / config.temperature();
        double sum = 0;
        for (int i = 0; i < kept; i++) {
            probabilities[i] = Math.exp(logits[byLikelihood[i]] / config.temperature() - max);
            sum += probabilities[i];
        }
        for (int i = 0; i < kept; i++) {
            probabilities[i] /= sum;
        }
        return probabilities;
    }

    /** The smallest prefix whose mass reaches top-p; always at least the most likely token. */
    private int nucleusSize(double[] probabilities, int kept) {
        if (config.topP() >= 1) {
            return kept;
        }
        double mass = 0;
        for (int i = 0; i < kept; i++) {
            mass += probabilities[i];
            if (mass >= config.topP()) {
                return i + 1;
            }
        }
        return kept;
    }
}
