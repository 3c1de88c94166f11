package dev.fuseflow.trainer.model.llama;

/**
 * The {@code rope_type}s Hugging Face transformers implements for Llama ({@code rope_parameters}
 * in transformers 5, {@code rope_scaling} before): each turns the default inverse frequencies
 * {@code theta^(-2i/d)} into its own, and may scale cos and sin by an attention factor. Pure
 * functions of the config (and, for {@code dynamic}, of the longest sequence in the batch), so
 * each is tested on its own.
 */
public sealed interface RopeScaling {

    /** The {@code rope_type} name as config.json spells it. */
    String type();

    /** d/2 inverse frequencies for head size {@code dim}, for a batch whose positions reach {@code seqLen - 1}. */
    double[] inverseFrequencies(int dim, double theta, int maxPositionEmbeddings, long seqLen);

    /** Factor on cos and sin (1 except yarn's attention scaling). */
    default double attentionFactor() {
        return 1.0;
    }

    /** Whether the frequencies depend on the batch's longest sequence (then it is read from the positions). */
    default boolean dependsOnLength() {
        return false;
    }

    /** {@code theta^(-2i/d)}, i = 0 .. d/2 - 1. */
    static double[] defaultFrequencies(int dim, double theta) {
        double[] inverse = new double[dim / 2];
        for (int i = 0; i < inverse.length; i++) {
            inverse[i] = 1.0 / Math.pow(theta, (2.0 * i) / dim);
        }
        return inverse;
    }

    /** Unscaled rotary embedding. */
    record Default() implements RopeScaling {
        @Override
        public String type() {
            return "default";
        }

        @Override
        public double[] inverseFrequencies(int dim, double theta, int maxPositionEmbeddings, long seqLen) {
            return defaultFrequencies(dim, theta);
        }
    }

    /** Position interpolation: every frequency divided by {@code factor}. */
    record Linear(double factor) implements RopeScaling {
        public Linear {
            atLeastOne("factor", factor);
        }

        @Override
        public String type() {
            return "linear";
        }

        @Override
        public double[] inverseFrequencies(int dim, double theta, int maxPositionEmbeddings, long seqLen) {
            double[] inverse = defaultFrequencies(dim, theta);
            for (int i = 0; i < inverse.length; i++) {
                inverse[i] /= factor;
            }
            return inverse;
        }
    }

    /**
     * Dynamic NTK: once a batch is longer than {@code max_position_embeddings}, theta grows to
     * {@code theta * (factor * L / max - (factor - 1))^(d / (d - 2))} for its length L. Hugging
     * Face caches the grown frequencies across calls; FuseFlow recomputes them per batch, which
     * equals a fresh transformers model on the same batch.
     */
    record Dynamic(double factor) implements RopeScaling {
        public Dynamic {
            atLeastOne("factor", factor);
        }

        @Override
        public String type() {
            return "dynamic";
        }

        @Override
        public boolean dependsOnLength() {
            return true;
        }

        @Override
        public double[] inverseFrequencies(int dim, double theta, int maxPositionEmbeddings, long seqLen) {
            if (seqLen <= maxPositionEmbeddings) {
                return defaultFrequencies(dim, theta);
            }
            double grown =
                    theta * Math.pow(factor * seqLen / maxPositionEmbeddings - (factor - 1), (double) dim / (dim - 2));
            return defaultFrequencies(dim, grown);
        }
    }

    /**
     * Llama 3.1's scaling: wavelengths longer than {@code original / low_freq_factor} are divided by
     * {@code factor}, shorter than {@code original / high_freq_factor} kept, and the band between
     * blended smoothly.
     */
    record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings)
            implements RopeScaling {
        public Llama3 {
            atLeastOne("factor", factor);
            if (!(highFreqFactor > lowFreqFactor)) {
                throw new IllegalArgumentException("rope high_freq_factor " + highFreqFactor
                        + " must be greater than low_freq_factor " + lowFreqFactor);
            }
            if (originalMaxPositionEmbeddings < 1) {
                throw new IllegalArgumentException(
                        "rope original_max_position_embeddings must be >= 1, got " + originalMaxPositionEmbeddings);
            }
        }

        @Override
        public String type() {
            return "llama3";
        }

        @Override
        public double[] inverseFrequencies(int dim, double theta, int maxPositionEmbeddings, long seqLen) {
            double[] inverse = defaultFrequencies(dim, theta);
            double lowFreqWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
            double highFreqWavelen = originalMaxPositionEmbeddings / highFreqFactor;
            for (int i = 0; i < inverse.length; i++) {
                double wavelen = 2 * Math.PI / inverse[i];
                if (wavelen > lowFreqWavelen) {
                    inverse[i] /= factor;
                } else if (wavelen >= highFreqWavelen) {
                    double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
                            / (highFreqFactor - lowFreqFactor);
                    inverse[i] = (1 - smooth) * inverse[i] / factor + smooth * inverse[i];
                }
            }
            return inverse;
        }
    }

    /**
     * YaRN: frequencies blended between interpolated ({@code / factor}) and extrapolated (kept)
     * over the dimensions between the correction range of {@code beta_fast} and {@code beta_slow}
     * rotations, and cos/sin scaled by the attention factor ({@code 0.1 ln(factor) + 1} unless
     * given, or the ratio of the two mscales when both {@code mscale} and {@code mscale_all_dim}
     * are given).
     */
    record Yarn(
            double factor,
            int originalMaxPositionEmbeddings,
            double betaFast,
            double betaSlow,
            double attentionFactor,
            boolean truncate)
            implements RopeScaling {

        public Yarn {
            atLeastOne("factor", factor);
            if (!(attentionFactor > 0)) {
                throw new IllegalArgumentException("rope attention_factor must be > 0, got " + attentionFactor);
            }
        }

        /** The attention factor transformers derives when config.json gives none. */
        public static double defaultAttentionFactor(double factor, Double mscale, Double mscaleAllDim) {
            if (mscale != null && mscaleAllDim != null && mscale != 0 && mscaleAllDim != 0) {
                return mscale(factor, mscale) / mscale(factor, mscaleAllDim);
            }
            return mscale(factor, 1);
        }

        private static double mscale(double scale, double mscale) {
            return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
        }

        @Override
        public String type() {
            return "yarn";
        }

        @Override
        public double[] inverseFrequencies(int dim, double theta, int maxPositionEmbeddings, long seqLen) {
            double[] extrapolation = defaultFrequencies(dim, theta);
            double low = correctionDim(betaFast, dim, theta);
            double high = correctionDim(betaSlow, dim, theta);
            if (truncate) {
                low = Math.floor(low);
                high = Math.ceil(high);
            }
            low = Math.max(low, 0);
            high = Math.min(high, dim - 1);
            if (low == high) {
                high += 0.001; // as transformers does, against a zero-width ramp
            }
            double[] inverse = new double[extrapolation.length];
            for (int i = 0; i < inverse.length; i++) {
                double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
                double extrapolationWeight = 1 - ramp;
                inverse[i] =
                        extrapolation[i] / factor * (1 - extrapolationWeight) + extrapolation[i] * extrapolationWeight;
            }
            return inverse;
        }

        /** The dimension whose wavelength makes {@code rotations} turns over the original context. */
        private double correctionDim(double rotations, int dim, double theta) {
            return dim * Math.log(originalMaxPositionEmbeddings / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
        }
    }

    private static void atLeastOne(String field, double value) {
        if (!(value >= 1)) {
            throw new IllegalArgumentException("rope " + field + " must be >= 1, got " + value);
        }
    }
}
