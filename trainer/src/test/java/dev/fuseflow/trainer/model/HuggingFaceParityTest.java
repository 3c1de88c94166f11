package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.objective.ResponseLogps;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tiny random models made and saved by Hugging Face transformers 5.17 with
 * {@code src/test/python/make_golden.py} (docs/trainer.md says how to make them again), loaded by
 * FuseFlow's loaders: logits and summed response log-probabilities must match transformers' own
 * to 1e-4 in float32, for a right- and a left-padded sequence. One folder per architecture and
 * option (GPT-2; Llama with grouped-query attention, tied embeddings, biases with an explicit
 * head_dim, each rope type; Qwen2, also with sliding windows; Qwen3, also with biases and tied
 * embeddings; Mistral with a window shorter than the sequence), each also saved in bfloat16.
 */
class HuggingFaceParityTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "gpt2-tiny",
                "gpt2-tiny-bf16",
                "llama-tiny",
                "llama-tiny-bf16",
                "llama-tied",
                "llama-tied-bf16",
                "llama-bias-head-dim",
                "llama-bias-head-dim-bf16",
                "llama-rope-linear",
                "llama-rope-linear-bf16",
                "llama-rope-dynamic",
                "llama-rope-dynamic-bf16",
                "llama-rope-llama3",
                "llama-rope-llama3-bf16",
                "llama-rope-yarn",
                "llama-rope-yarn-bf16",
                "llama-rope-yarn-original",
                "llama-rope-yarn-original-bf16",
                "qwen2-tiny",
                "qwen2-tiny-bf16",
                "qwen2-sliding",
                "qwen2-sliding-bf16",
                "qwen3-tiny",
                "qwen3-tiny-bf16",
                "qwen3-bias-tied",
                "qwen3-bias-tied-bf16",
                "mistral-sliding",
                "mistral-sliding-bf16"
            })
    void logitsAndResponseLogpsMatchTransformers(String name) throws Exception {
        Path folder = Path.of(
                HuggingFaceParityTest.class.getResource("/golden/" + name).toURI());
        ExpectedLogits golden = ExpectedLogits.read(folder.resolve("golden.safetensors"));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = ModelDirectory.load(folder, manager, DataType.FLOAT32);
            NDArray logits = golden.logitsOf(model, manager);

            double maxDiff = golden.maxDifference(logits);
            System.out.printf(
                    "%s parity with transformers: max |logit difference| %.3g over real positions%n", name, maxDiff);
            assertThat(maxDiff).as("max |logit difference| over real positions").isLessThanOrEqualTo(TOLERANCE);

            float[] logps = ResponseLogps.of(
                            logits, golden.longs(manager, "input_ids"), golden.longs(manager, "response_mask"))
                    .logps()
                    .toFloatArray();
            float[] expected = golden.tensors().get("response_logps").toFloats();
            for (int b = 0; b < expected.length; b++) {
                assertThat((double) logps[b]).isCloseTo(expected[b], within(TOLERANCE));
            }
        }
    }
}
