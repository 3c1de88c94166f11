package dev.fuseflow.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.format.TensorDType;
import dev.fuseflow.trainer.lora.BaseIdentity;
import dev.fuseflow.trainer.lora.LoraAdapters;
import dev.fuseflow.trainer.lora.PeftAdapter;
import dev.fuseflow.trainer.model.gpt2.Gpt2Config;
import dev.fuseflow.trainer.model.gpt2.Gpt2LmHeadModel;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The other direction of the parity check: FuseFlow writes a GPT-2 and a Llama it made itself, and
 * every golden checkpoint (each architecture and option, fp32 and bf16) loaded, changed as a
 * training update would change it and saved as a published version is ({@link
 * ModelDirectory#save}: the base's config.json and dtype), each with the logits FuseFlow computes
 * from the saved folder; {@code src/test/python/check_fuseflow_export.py}, run where transformers
 * is installed, loads every folder with {@code AutoModelForCausalLM.from_pretrained} and compares.
 * Also LoRA adapters FuseFlow wrote, which the script loads with PEFT onto their base.
 * Usage: {@code java -cp <test classpath> dev.fuseflow.trainer.model.ExportForTransformers OUT_DIR}.
 */
public final class ExportForTransformers {

    private ExportForTransformers() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Engine.getEngine("PyTorch").setRandomSeed(21);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Gpt2LmHeadModel gpt2 = new Gpt2LmHeadModel(new Gpt2Config(37, 32, 16, 2, 4, 1e-5f));
            gpt2.initialize(manager, DataType.FLOAT32, new Shape(2, 8), new Shape(2, 8));
            ModelDirectory.saveNew(gpt2, out.resolve("gpt2-fuseflow"));
            writeLogits(gpt2, manager, out.resolve("gpt2-fuseflow/fuseflow-logits.safetensors"));

            LlamaForCausalLm llama = new LlamaForCausalLm(LlamaConfig.of(41, 16, 40, 2, 4, 2, 32));
            llama.initialize(manager, DataType.FLOAT32, new Shape(2, 8), new Shape(2, 8));
            ModelDirectory.saveNew(llama, out.resolve("llama-fuseflow"));
            writeLogits(llama, manager, out.resolve("llama-fuseflow/fuseflow-logits.safetensors"));

            Path golden =
                    Path.of(ExportForTransformers.class.getResource("/golden").toURI());
            try (var folders = Files.list(golden)) {
                for (Path base : folders.filter(f -> Files.isRegularFile(f.resolve("config.json")))
                        .sorted()
                        .toList()) {
                    Path published = out.resolve(base.getFileName() + "-published");
                    CausalLanguageModel trained = ModelDirectory.load(base, manager, DataType.FLOAT32);
                    // A stand-in for training: every weight moves, so the check sees the new weights, not the base's.
                    trained.getParameters().values().forEach(p -> p.getArray().muli(1.01f));
                    ModelDirectory.save(trained, published, base);
                    writeLogits(
                            ModelDirectory.load(published, manager, DataType.FLOAT32),
                            manager,
                            published.resolve("fuseflow-logits.safetensors"));
                }
                // The same, written in shards with an index (a few KB each, as a multi-GB model would be).
                Path sharded = out.resolve("qwen3-bias-tied-bf16-sharded-published");
                Path base = golden.resolve("qwen3-bias-tied-bf16");
                CausalLanguageModel trained = ModelDirectory.load(base, manager, DataType.FLOAT32);
                ModelDirectory.save(trained, sharded, base);
                HuggingFaceWeights.save(trained.huggingFaceParameters(), sharded, TensorDType.BF16, 4_000);
                writeLogits(
                        ModelDirectory.load(sharded, manager, DataType.FLOAT32),
                        manager,
                        sharded.resolve("fuseflow-logits.safetensors"));
                exportAdapters(golden, out, manager);
            }
        }
    }

    /**
     * LoRA adapters as FuseFlow publishes them, for PEFT to load onto the same base: each PEFT
     * golden's adapter moved as a training update would move it, and on the tiny Llama a
     * preference adapter stacked on an SFT adapter merged before it.
     */
    private static void exportAdapters(Path golden, Path out, NDManager manager) throws Exception {
        try (var adapters = Files.list(golden.resolve("lora"))) {
            for (Path folder : adapters.sorted().toList()) {
                PeftAdapter peft = PeftAdapter.read(folder);
                Path base = golden.resolve(peft.baseModel());
                CausalLanguageModel model = ModelDirectory.load(base, manager, DataType.FLOAT32);
                LoraAdapters lora = LoraAdapters.attach(model, peft.settings(), manager);
                peft.loadInto(lora, manager);
                lora.peftParameters().values().forEach(p -> p.getArray().muli(1.1f));
                Path published = out.resolve(folder.getFileName() + "-adapter");
                PeftAdapter.of(lora, base.toString(), Optional.of(BaseIdentity.sha256(base)))
                        .write(published);
                writeLogits(model, manager, published.resolve("fuseflow-logits.safetensors"));
            }
        }
        Path base = golden.resolve("llama-tiny");
        PeftAdapter peft = PeftAdapter.read(golden.resolve("lora/llama-tiny-r4"));
        CausalLanguageModel model = ModelDirectory.load(base, manager, DataType.FLOAT32);
        LoraAdapters lora = LoraAdapters.attach(model, peft.settings(), manager);
        peft.loadInto(lora, manager);
        PeftAdapter sft = PeftAdapter.of(lora, base.toString(), Optional.empty());
        lora.merge();
        // The fresh adapter's B is zero: move it as training would.
        lora.adapters().values().forEach(a -> a.loraB().getArray().addi(0.05f));
        Path stacked = out.resolve("llama-tiny-stacked-adapter");
        PeftAdapter.of(lora, base.toString(), Optional.empty()).stackedOn(sft).write(stacked);
        writeLogits(model, manager, stacked.resolve("fuseflow-logits.safetensors"));
    }

    private static void writeLogits(Block model, NDManager manager, Path file) throws Exception {
        long[][] tokens = {{5, 9, 2, 33, 7, 1, 0, 0}, {0, 0, 4, 8, 15, 16, 23, 36}};
        long[][] mask = {{1, 1, 1, 1, 1, 1, 0, 0}, {0, 0, 1, 1, 1, 1, 1, 1}};
        NDArray logits = model.forward(
                        new ParameterStore(manager, false),
                        new NDList(manager.create(tokens), manager.create(mask)),
                        false)
                .singletonOrThrow();
        SafeTensors.write(
                file, Map.of("logits", Tensor.ofFloats(logits.getShape().getShape(), logits.toFloatArray())), Map.of());
    }
}
