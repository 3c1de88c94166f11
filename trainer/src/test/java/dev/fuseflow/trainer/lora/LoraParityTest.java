package dev.fuseflow.trainer.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ExpectedLogits;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.objective.ResponseLogps;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adapters written by PEFT 0.21 ({@code src/test/python/make_lora_golden.py}) on the tiny random
 * models of the Hugging Face parity goldens, loaded by FuseFlow: the adapted model's logits and
 * summed response log-probabilities, and the gradient of their sum with respect to every adapter
 * weight, must match PEFT's to 1e-4 in float32; the base weights get no gradient.
 */
class LoraParityTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(
            strings = {"llama-tiny-r4", "llama-tiny-attention-rslora", "qwen2-tiny-r4", "qwen3-tiny-r4", "gpt2-tiny-r4"
            })
    void logitsAndGradientsMatchPeft(String name) throws Exception {
        Path folder = LoraGoldens.folder("lora/" + name);
        PeftAdapter adapter = PeftAdapter.read(folder);
        ExpectedLogits expected = ExpectedLogits.read(folder.resolve("expected.safetensors"));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model =
                    ModelDirectory.load(LoraGoldens.folder(adapter.baseModel()), manager, DataType.FLOAT32);
            LoraAdapters lora = LoraAdapters.attach(model, adapter.settings(), manager);
            adapter.loadInto(lora, manager);

            NDArray ids = expected.longs(manager, "input_ids");
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(
                                new ParameterStore(manager, false),
                                new NDList(ids, expected.longs(manager, "attention_mask")),
                                true)
                        .singletonOrThrow();
                NDArray logps = ResponseLogps.of(logits, ids, expected.longs(manager, "response_mask"))
                        .logps();
                collector.backward(logps.sum());

                double maxDiff = expected.maxDifference(logits);
                System.out.printf("%s parity with PEFT: max |logit difference| %.3g%n", name, maxDiff);
                assertThat(maxDiff).isLessThanOrEqualTo(TOLERANCE);
                float[] ours = logps.toFloatArray();
                float[] theirs = expected.tensors().get("response_logps").toFloats();
                for (int b = 0; b < theirs.length; b++) {
                    assertThat((double) ours[b]).isCloseTo(theirs[b], within(TOLERANCE));
                }
            }

            Map<String, Parameter> parameters = lora.peftParameters();
            assertThat(parameters).hasSize(adapter.weights().size());
            double worst = 0;
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                Tensor theirs = expected.tensors().get("grad." + e.getKey());
                assertThat(theirs).as("PEFT's gradient of %s", e.getKey()).isNotNull();
                try (NDArray gradient = e.getValue().getArray().getGradient()) {
                    worst = Math.max(worst, maxDifference(gradient.toFloatArray(), theirs.toFloats()));
                }
            }
            System.out.printf(
                    "%s: max |gradient difference| over %d adapter weights %.3g%n", name, parameters.size(), worst);
            assertThat(worst).isLessThanOrEqualTo(TOLERANCE);
            assertThat(model.huggingFaceParameters().entries().values())
                    .as("base weights are frozen")
                    .noneMatch(entry -> entry.parameter().requiresGradient());
        }
    }

    static double maxDifference(float[] ours, float[] theirs) {
        assertThat(ours).hasSameSizeAs(theirs);
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
        }
        return worst;
    }
}
