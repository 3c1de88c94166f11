package dev.fuseflow.trainer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NextTokenSamplerTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 0.5f, 2.0f, -1.0f}; // order by likelihood: 1, 3, 0, 2, 4

    private static int[] counts(SamplingConfig config, int draws) {
        NextTokenSampler sampler = new NextTokenSampler(config);
        Random random = new Random(config.seed());
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(LOGITS, random)]++;
        }
        return counts;
    }

    private static double[] softmax(float[] logits, double temperature) {
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void greedyAndTopOneAlwaysPickTheMostLikelyToken() {
        assertThat(counts(SamplingConfig.greedy(1), 200)).containsExactly(0, 200, 0, 0, 0);
        assertThat(counts(new SamplingConfig(5.0, 1, 1, 1, 3), 200)).containsExactly(0, 200, 0, 0, 0);
        assertThat(counts(new SamplingConfig(5.0, 0, 0.01, 1, 3), 200)).containsExactly(0, 200, 0, 0, 0);
    }

    @Test
    void unrestrictedSamplingFollowsTheSoftmaxAtTheTemperature() {
        int draws = 200_000;
        for (double temperature : new double[] {0.5, 1.0, 2.0}) {
            int[] counts = counts(new SamplingConfig(temperature, 0, 1, 1, 11), draws);
            double[] expected = softmax(LOGITS, temperature);
            for (int token = 0; token < LOGITS.length; token++) {
                assertThat(counts[token] / (double) draws)
                        .as("token %d at T=%s", token, temperature)
                        .isCloseTo(expected[token], within(0.005));
            }
        }
    }

    @Test
    void topKRenormalisesOverTheKMostLikelyTokens() {
        int draws = 100_000;
        int[] counts = counts(new SamplingConfig(1.0, 2, 1, 1, 5), draws);
        assertThat(counts[0] + counts[2] + counts[4]).isZero();
        double pTop = Math.exp(3.0) / (Math.exp(3.0) + Math.exp(2.0));
        assertThat(counts[1] / (double) draws).isCloseTo(pTop, within(0.006));
    }

    @Test
    void topPKeepsTheSmallestSetThatReachesTheMass() {
        double[] p = softmax(LOGITS, 1.0);
        // Just above the two most likely tokens' mass: the third (token 0) is needed, the rest never drawn.
        double topP = p[1] + p[3] + 1e-6;
        int draws = 100_000;
        int[] counts = counts(new SamplingConfig(1.0, 0, topP, 1, 9), draws);
        assertThat(counts[2] + counts[4]).isZero();
        double kept = p[1] + p[3] + p[0];
        assertThat(counts[0] / (double) draws).isCloseTo(p[0] / kept, within(0.006));
        // Exactly the top-two mass: the third is not needed.
        int[] tight = counts(new SamplingConfig(1.0, 0, p[1] + p[3] - 1e-9, 1, 9), draws);
        assertThat(tight[0] + tight[2] + tight[4]).isZero();
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        SamplingConfig config = new SamplingConfig(1.5, 4, 0.95, 1, 42);
        NextTokenSampler sampler = new NextTokenSampler(config);
        Random first = new Random(42);
        Random second = new Random(42);
        int[] a =
                IntStream.range(0, 500).map(i -> sampler.sample(LOGITS, first)).toArray();
        int[] b =
                IntStream.range(0, 500).map(i -> sampler.sample(LOGITS, second)).toArray();
        assertThat(a).containsExactly(b);
        assertThat(IntStream.of(a).distinct().count()).isGreaterThan(1);
    }

    @Test
    void invalidSettingsNameTheField() {
        assertThatThrownBy(() -> new SamplingConfig(-1, 0, 1, 1, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingConfig(Double.NaN, 0, 1, 1, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingConfig(1, -2, 1, 1, 0)).hasMessageContaining("topK");
        assertThatThrownBy(() -> new SamplingConfig(1, 0, 0, 1, 0)).hasMessageContaining("topP");
        assertThatThrownBy(() -> new SamplingConfig(1, 0, 1.5, 1, 0)).hasMessageContaining("topP");
        assertThatThrownBy(() -> new SamplingConfig(1, 0, 1, 0, 0)).hasMessageContaining("maxNewTokens");
    }
}
