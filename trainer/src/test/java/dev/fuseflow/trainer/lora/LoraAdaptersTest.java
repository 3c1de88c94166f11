package dev.fuseflow.trainer.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ExpectedLogits;
import dev.fuseflow.trainer.model.LowRankAdapter;
import dev.fuseflow.trainer.model.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Switching adapters off, merging them, writing them in PEFT's format, and what is refused. */
class LoraAdaptersTest {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void withAdaptersOffTheModelComputesItsBase() throws Exception {
        ExpectedLogits base = baseLogits();
        ExpectedLogits adapted = adaptedLogits();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LoraAdapters lora = adaptedLlama(manager);
            CausalLanguageModel reference = lora.withoutAdapters();

            assertThat(base.maxDifference(base.logitsOf(reference, manager))).isLessThan(TOLERANCE);
            // and back on afterwards
            assertThat(adapted.maxDifference(adapted.logitsOf(lora.model(), manager)))
                    .isLessThan(TOLERANCE);
            assertThat(adapted.maxDifference(base.logitsOf(reference, manager)))
                    .as("the adapter matters")
                    .isGreaterThan(0.1);
        }
    }

    @Test
    void afterMergingTheReferenceIsTheAdaptedModelNotTheOldBase() throws Exception {
        ExpectedLogits base = baseLogits();
        ExpectedLogits adapted = adaptedLogits();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LoraAdapters lora = adaptedLlama(manager);

            lora.merge();

            // The model computes as before, the adapters start afresh (B = 0), and the reference
            // (adapters off) is now the merged model: the SFT model, not the base it started from.
            assertThat(adapted.maxDifference(adapted.logitsOf(lora.model(), manager)))
                    .isLessThan(TOLERANCE);
            for (LowRankAdapter adapter : lora.adapters().values()) {
                assertThat(adapter.loraB().getArray().abs().max().getFloat()).isZero();
                assertThat(adapter.loraA().getArray().abs().max().getFloat()).isPositive();
            }
            CausalLanguageModel reference = lora.withoutAdapters();
            assertThat(adapted.maxDifference(adapted.logitsOf(reference, manager)))
                    .isLessThan(TOLERANCE);
            assertThat(base.maxDifference(base.logitsOf(reference, manager))).isGreaterThan(0.1);
        }
    }

    @Test
    void aWrittenAdapterReadsBackAsPeftWroteIt() throws Exception {
        Path golden = LoraGoldens.folder("lora/llama-tiny-r4");
        PeftAdapter original = PeftAdapter.read(golden);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LoraAdapters lora = adaptedLlama(manager);
            PeftAdapter.of(lora, "llama-tiny", Optional.empty()).write(dir);
        }
        PeftAdapter written = PeftAdapter.read(dir);

        assertThat(written.settings().rank()).isEqualTo(4);
        assertThat(written.settings().scaling()).isEqualTo(original.settings().scaling());
        assertThat(written.settings().targetModules())
                .containsExactlyInAnyOrderElementsOf(original.settings().targetModules());
        assertThat(written.baseModel()).isEqualTo("llama-tiny");
        assertThat(written.weights().keySet()).isEqualTo(original.weights().keySet());
        for (Map.Entry<String, Tensor> e : original.weights().entrySet()) {
            assertThat(written.weights().get(e.getKey()).toFloats())
                    .as(e.getKey())
                    .containsExactly(e.getValue().toFloats());
        }
    }

    @Test
    void aStackedAdapterOnTheBaseComputesTheSecondAdapterOnTheMergedFirst() throws Exception {
        ExpectedLogits inputs = baseLogits();
        PeftAdapter stacked;
        NDArray twice;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LoraAdapters lora = adaptedLlama(manager);
            PeftAdapter first = PeftAdapter.of(lora, "llama-tiny", Optional.empty());
            lora.merge();
            // A second adapter on the merged model: PEFT's again, so the model is base + 2 deltas.
            PeftAdapter.read(LoraGoldens.folder("lora/llama-tiny-r4")).loadInto(lora, manager);
            twice = inputs.logitsOf(lora.model(), manager);
            twice.detach();
            stacked = PeftAdapter.of(lora, "llama-tiny", Optional.empty()).stackedOn(first);
        }
        stacked.write(dir);
        PeftAdapter read = PeftAdapter.read(dir);
        assertThat(read.settings().rank()).isEqualTo(8);
        assertThat(read.settings().scaling()).isEqualTo(1.0);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel base = ModelDirectory.load(LoraGoldens.folder("llama-tiny"), manager, DataType.FLOAT32);
            LoraAdapters onBase = LoraAdapters.attach(base, read.settings(), manager);
            read.loadInto(onBase, manager);
            NDArray logits = inputs.logitsOf(base, manager);
            float[] expected = twice.toFloatArray();
            twice.close();
            assertThat(LoraParityTest.maxDifference(logits.toFloatArray(), expected))
                    .isLessThan(1e-4);
        }
    }

    @Test
    void anAdapterOfABaseWhoseWeightsChangedIsRefusedNamingBothDigests() throws Exception {
        Path base = Files.createDirectories(dir.resolve("base"));
        for (String file : List.of("config.json", "model.safetensors")) {
            Files.copy(LoraGoldens.folder("llama-tiny").resolve(file), base.resolve(file));
        }
        String digest = BaseIdentity.sha256(base);
        Path adapterFolder = dir.resolve("adapter");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LoraAdapters lora = adaptedLlama(manager);
            PeftAdapter.of(lora, base.toString(), Optional.of(digest)).write(adapterFolder);
            assertThat(AdaptedModels.load(adapterFolder, manager, DataType.FLOAT32)
                            .contextLength())
                    .isPositive();

            // The last byte of the weights changes: the same name, another model.
            byte[] weights = Files.readAllBytes(base.resolve("model.safetensors"));
            weights[weights.length - 1] ^= 0x01;
            Files.write(base.resolve("model.safetensors"), weights);

            assertThatThrownBy(() -> AdaptedModels.load(adapterFolder, manager, DataType.FLOAT32))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(digest)
                    .hasMessageContaining(BaseIdentity.sha256(base))
                    .hasMessageContaining("fuseflow_base_sha256");
        }
    }

    @Test
    void aTargetModuleTheModelLacksIsRefusedNamingIt() throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model = ModelDirectory.load(LoraGoldens.folder("gpt2-tiny"), manager, DataType.FLOAT32);
            LoraSettings settings = new LoraSettings(4, 8, 0, List.of("q_proj"), false);

            assertThatThrownBy(() -> LoraAdapters.attach(model, settings, manager))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'q_proj'")
                    .hasMessageContaining("c_attn, c_fc, c_proj");
        }
    }

    @Test
    void anAdapterForAnotherModelIsRefusedNamingTheLayer() throws Exception {
        PeftAdapter qwen = PeftAdapter.read(LoraGoldens.folder("lora/qwen3-tiny-r4"));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CausalLanguageModel model =
                    ModelDirectory.load(LoraGoldens.folder("llama-tiny"), manager, DataType.FLOAT32);
            LoraAdapters lora = LoraAdapters.attach(model, qwen.settings(), manager);

            assertThatThrownBy(() -> qwen.loadInto(lora, manager))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has shape")
                    .hasMessageContaining("q_proj.lora_B.weight");
        }
    }

    @Test
    void peftOptionsFuseFlowDoesNotComputeAreRefusedByName() throws Exception {
        Path golden = LoraGoldens.folder("lora/llama-tiny-r4");
        for (Map.Entry<String, Object> option : Map.<String, Object>of(
                        "use_dora",
                        true,
                        "modules_to_save",
                        List.of("lm_head"),
                        "rank_pattern",
                        Map.of("q_proj", 8),
                        "bias",
                        "all",
                        "target_modules",
                        ".*proj",
                        "some_future_option",
                        1)
                .entrySet()) {
            Path copy = Files.createDirectories(dir.resolve(option.getKey()));
            Files.copy(golden.resolve(PeftAdapter.WEIGHTS_FILE), copy.resolve(PeftAdapter.WEIGHTS_FILE));
            ObjectMapper json = new ObjectMapper();
            ObjectNode config = (ObjectNode)
                    json.readTree(golden.resolve(PeftAdapter.CONFIG_FILE).toFile());
            config.set(option.getKey(), json.valueToTree(option.getValue()));
            json.writeValue(copy.resolve(PeftAdapter.CONFIG_FILE).toFile(), config);

            assertThatThrownBy(() -> PeftAdapter.read(copy))
                    .as(option.getKey())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(PeftAdapter.CONFIG_FILE)
                    .hasMessageContaining("field '" + option.getKey() + "'");
        }
    }

    @Test
    void onlyTheAdaptersRequireGradients() throws Exception {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LoraAdapters lora = adaptedLlama(manager);
            List<Parameter> trainable = lora.model().getParameters().values().stream()
                    .filter(Parameter::requiresGradient)
                    .toList();
            assertThat(trainable)
                    .containsExactlyInAnyOrderElementsOf(lora.peftParameters().values());
        }
    }

    /** transformers' logits of the tiny Llama without an adapter (make_golden.py). */
    private static ExpectedLogits baseLogits() throws IOException {
        return ExpectedLogits.read(LoraGoldens.folder("llama-tiny").resolve("golden.safetensors"));
    }

    /** PEFT's logits of the tiny Llama with the adapter of make_lora_golden.py. */
    private static ExpectedLogits adaptedLogits() throws IOException {
        return ExpectedLogits.read(LoraGoldens.folder("lora/llama-tiny-r4").resolve("expected.safetensors"));
    }

    /** The tiny Llama with PEFT's adapter of make_lora_golden.py loaded. */
    private static LoraAdapters adaptedLlama(NDManager manager) throws IOException {
        PeftAdapter adapter = PeftAdapter.read(LoraGoldens.folder("lora/llama-tiny-r4"));
        CausalLanguageModel model = ModelDirectory.load(LoraGoldens.folder("llama-tiny"), manager, DataType.FLOAT32);
        LoraAdapters lora = LoraAdapters.attach(model, adapter.settings(), manager);
        adapter.loadInto(lora, manager);
        return lora;
    }
}
