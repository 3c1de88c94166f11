package dev.fuseflow.trainer.model.gpt2;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.objective.ResponseLogps;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tiny random GPT-2 made and saved by Hugging Face transformers (5.17, PyTorch 2.11) with
 * {@code src/test/python/make_golden.py}, loaded by FuseFlow's loader: logits and response
 * log-probabilities must match transformers' own to 1e-4 in float32, for a right- and a
 * left-padded sequence.
 */
class HuggingFaceParityTest {

    private static final double TOLERANCE = 1e-4;

    @Test
    void logitsAndResponseLogpsMatchTransformers() throws Exception {
        Path folder = Path.of(HuggingFaceParityTest.class.getResource("/golden/gpt2-tiny").toURI());
        Map<String, Tensor> golden = SafeTensors.read(folder.resolve("golden.safetensors")).tensors();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Gpt2LmHeadModel model = Gpt2Checkpoint.load(folder, manager, DataType.FLOAT32);
            NDArray tokens = longs(manager, golden.get("input_ids"));
            NDArray attention = longs(manager, golden.get("attention_mask"));
            NDArray response = longs(manager, golden.get("response_mask"));
            NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(tokens, attention), false)
                    .singletonOrThrow();

            float[] ours = logits.toFloatArray();
            float[] theirs = golden.get("logits").toFloats();
            long[] mask = attention.toLongArray();
            int vocab = model.config().vocabSize();
            double maxDiff = 0;
            for (int position = 0; position < mask.length; position++) {
                if (mask[position] == 0) {
                    continue;   // a padding query sees no key at all; neither side's value there is used
                }
                for (int v = 0; v < vocab; v++) {
                    maxDiff = Math.max(maxDiff, Math.abs(ours[position * vocab + v] - theirs[position * vocab + v]));
                }
            }
            System.out.printf("GPT-2 parity with transformers: max |logit difference| %.3g over real positions%n", maxDiff);
            assertThat(maxDiff).as("max |logit difference| over real positions").isLessThanOrEqualTo(TOLERANCE);

            float[] logps = ResponseLogps.of(logits, tokens, response).logps().toFloatArray();
            float[] expected = golden.get("response_logps").toFloats();
            for (int b = 0; b < expected.length; b++) {
                assertThat((double) logps[b]).isCloseTo(expected[b], org.assertj.core.api.Assertions.within(TOLERANCE));
            }
        }
    }

    private static NDArray longs(NDManager manager, Tensor tensor) {
        long[] values = new long[(int) tensor.elements()];
        tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        return manager.create(values, new Shape(tensor.shape()));
    }
}
