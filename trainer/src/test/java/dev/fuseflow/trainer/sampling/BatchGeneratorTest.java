package dev.fuseflow.trainer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.gpt2.Gpt2Config;
import dev.fuseflow.trainer.model.gpt2.Gpt2LmHeadModel;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchGeneratorTest {

    private static final LlamaConfig TINY = LlamaConfig.of(23, 16, 24, 2, 4, 2, 32);
    private static final Gpt2Config TINY_GPT2 = new Gpt2Config(23, 32, 16, 2, 2, 1e-5f);
    private static final long PAD = 0;
    private static final long NO_EOS = -1;

    private NDManager manager;
    private CausalLanguageModel model;

    @BeforeEach
    void build() {
        manager = NDManager.newBaseManager("PyTorch");
        use("llama");
    }

    /** Both architectures, with weights seeded the same way each time. */
    private void use(String architecture) {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        model = "gpt2".equals(architecture) ? new Gpt2LmHeadModel(TINY_GPT2) : new LlamaForCausalLm(TINY);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private List<long[]> generate(List<long[]> prompts, SamplingConfig config, long eos) {
        return new BatchGenerator(model, PAD, eos).generate(manager, prompts, config);
    }

    /** The reference: greedy decoding of one unpadded prompt, written out step by step. */
    private long[] greedyByHand(long[] prompt, int newTokens) {
        long[] sequence = prompt.clone();
        for (int i = 0; i < newTokens; i++) {
            long[] mask = new long[sequence.length];
            Arrays.fill(mask, 1);
            float[] logits = model.forward(
                            new ParameterStore(manager, false),
                            new NDList(manager.create(new long[][] {sequence}), manager.create(new long[][] {mask})),
                            false)
                    .singletonOrThrow()
                    .get(0)
                    .get(sequence.length - 1)
                    .toFloatArray();
            sequence = Arrays.copyOf(sequence, sequence.length + 1);
            sequence[sequence.length - 1] = NextTokenSampler.argmax(logits);
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void cachedGreedyBatchOfLeftPaddedPromptsMatchesEachPromptDecodedAloneWithoutCache(String architecture) {
        use(architecture);
        List<long[]> prompts = List.of(new long[] {1, 5, 9, 2, 7, 4}, new long[] {1, 3}, new long[] {1, 8, 8, 6});
        List<long[]> batched = generate(prompts, SamplingConfig.greedy(6), NO_EOS);
        for (int row = 0; row < prompts.size(); row++) {
            assertThat(batched.get(row)).as("row %d", row).containsExactly(greedyByHand(prompts.get(row), 6));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void cachedLogitsOfNewTokensEqualThoseOfTheFullForwardPass(String architecture) {
        use(architecture);
        long[][] tokens = {{0, 0, 1, 5, 9, 2, 7}, {1, 3, 12, 4, 4, 8, 6}};
        long[][] mask = {{0, 0, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1}};
        float[] full = model.forward(
                        new ParameterStore(manager, false),
                        new NDList(manager.create(tokens), manager.create(mask)),
                        false)
                .singletonOrThrow()
                .get(":, 4:, :")
                .toFloatArray(); // positions 4..6 of both rows
        NDList past = model.emptyKvCache(manager, 2);
        NDList prefill = new NDList(
                manager.create(new long[][] {{0, 0, 1, 5}, {1, 3, 12, 4}}),
                manager.create(new long[][] {{0, 0, 1, 1}, {1, 1, 1, 1}}));
        prefill.addAll(past);
        NDList afterPrompt = model.forward(new ParameterStore(manager, false), prefill, false);
        assertThat(afterPrompt).hasSize(1 + past.size());
        NDList step = new NDList(manager.create(new long[][] {{9, 2, 7}, {4, 8, 6}}), manager.create(mask));
        step.addAll(afterPrompt.subNDList(1));
        NDList output = model.forward(new ParameterStore(manager, false), step, false);
        assertThat(output.get(1).getShape().get(2))
                .as("cached keys cover all 7 positions")
                .isEqualTo(7);
        float[] cached = output.get(0).toFloatArray();
        assertThat(cached).hasSameSizeAs(full);
        for (int i = 0; i < full.length; i++) {
            assertThat(cached[i]).as("logit %d", i).isCloseTo(full[i], within(1e-5f));
        }
    }

    @Test
    void aRowStopsAtEosWhileTheOthersGoOn() {
        List<long[]> prompts = List.of(new long[] {1, 5, 9}, new long[] {1, 3, 12, 4});
        long firstTokenOfRowZero =
                generate(prompts, SamplingConfig.greedy(1), NO_EOS).get(0)[0];
        List<long[]> greedy = generate(prompts, SamplingConfig.greedy(5), NO_EOS);
        List<long[]> stopped = generate(prompts, SamplingConfig.greedy(5), firstTokenOfRowZero);

        assertThat(stopped.get(0)).containsExactly(firstTokenOfRowZero);
        long[] expectedRowOne = greedy.get(1);
        for (int i = 0; i < expectedRowOne.length; i++) {
            if (expectedRowOne[i] == firstTokenOfRowZero) {
                expectedRowOne = Arrays.copyOf(expectedRowOne, i + 1);
                break;
            }
        }
        assertThat(stopped.get(1)).containsExactly(expectedRowOne);
        assertThat(greedy.get(0)).hasSize(5);
    }

    @Test
    void seededSamplingIsReproducibleAndIndependentOfTheOtherRows() {
        SamplingConfig config = new SamplingConfig(3.0, 0, 1, 8, 1234);
        long[] prompt = {1, 5, 9};
        List<long[]> first = generate(List.of(prompt, new long[] {1, 2}), config, NO_EOS);
        List<long[]> again = generate(List.of(prompt, new long[] {1, 7, 7, 7, 7}), config, NO_EOS);
        List<long[]> otherSeed = generate(List.of(prompt), new SamplingConfig(3.0, 0, 1, 8, 99), NO_EOS);

        assertThat(again.get(0)).containsExactly(first.get(0));
        assertThat(otherSeed.get(0)).isNotEqualTo(first.get(0));
        List<Long> distinct = new ArrayList<>();
        Arrays.stream(first.get(0)).distinct().forEach(distinct::add);
        assertThat(distinct)
                .as("temperature 3 on a random model spreads over the vocabulary")
                .hasSizeGreaterThan(2);
    }

    @Test
    void refusesToRunPastTheContextLength() {
        assertThatThrownBy(() -> generate(List.of(new long[30]), SamplingConfig.greedy(5), NO_EOS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("context length 32")
                .hasMessageContaining("maxNewTokens (5)");
        assertThatThrownBy(() -> generate(List.of(new long[] {1}, new long[0]), SamplingConfig.greedy(2), NO_EOS))
                .hasMessageContaining("prompts[1]");
    }
}
