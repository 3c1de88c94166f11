package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.objective.ResponseLogps;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
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
        Map<String, Tensor> golden =
                SafeTensors.read(folder.resolve("golden.safetensors")).tensors();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Block model = ModelDirectory.load(folder, manager, DataType.FLOAT32);
            NDArray tokens = longs(manager, golden.get("input_ids"));
            NDArray attention = longs(manager, golden.get("attention_mask"));
            NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(tokens, attention), false)
                    .singletonOrThrow();

            double maxDiff = maxDifferenceAtRealPositions(
                    logits.toFloatArray(), golden.get("logits").toFloats(), attention.toLongArray(), (int)
                            logits.getShape().get(2));
            System.out.printf(
                    "%s parity with transformers: max |logit difference| %.3g over real positions%n", name, maxDiff);
            assertThat(maxDiff).as("max |logit difference| over real positions").isLessThanOrEqualTo(TOLERANCE);

            float[] logps = ResponseLogps.of(logits, tokens, longs(manager, golden.get("response_mask")))
                    .logps()
                    .toFloatArray();
            float[] expected = golden.get("response_logps").toFloats();
            for (int b = 0; b < expected.length; b++) {
                assertThat((double) logps[b]).isCloseTo(expected[b], within(TOLERANCE));
            }
        }
    }

    /** A padding query sees no key at all; neither side's value there is used, so only real positions count. */
    private static double maxDifferenceAtRealPositions(float[] ours, float[] theirs, long[] mask, int vocab) {
        double maxDiff = 0;
        for (int position = 0; position < mask.length; position++) {
            if (mask[position] == 0) {
                continue;
            }
            for (int v = 0; v < vocab; v++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[position * vocab + v] - theirs[position * vocab + v]));
            }
        }
        return maxDiff;
    }

    private static NDArray longs(NDManager manager, Tensor tensor) {
        long[] values = new long[(int) tensor.elements()];
        tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        return manager.create(values, new Shape(tensor.shape()));
    }
}
