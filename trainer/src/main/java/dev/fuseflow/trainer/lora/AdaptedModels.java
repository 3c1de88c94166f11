package dev.fuseflow.trainer.lora;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A folder a command is given as a model: a whole Hugging Face model, or a PEFT LoRA adapter (a
 * LoRA run's published version or final model) applied to the base it names.
 */
public final class AdaptedModels {

    private AdaptedModels() {}

    public static boolean isAdapter(Path folder) {
        return Files.isRegularFile(folder.resolve(PeftAdapter.CONFIG_FILE));
    }

    /** The folder holding the model's config, tokenizer and base weights: the adapter's base, or the folder itself. */
    public static Path modelFolder(Path folder) throws IOException {
        if (!isAdapter(folder)) {
            return folder;
        }
        return baseFolder(folder, PeftAdapter.read(folder));
    }

    /** The model of the folder, an adapter already applied to its base (checked to be the base it was trained on). */
    public static CausalLanguageModel load(Path folder, NDManager manager, DataType dataType) throws IOException {
        if (!isAdapter(folder)) {
            return ModelDirectory.load(folder, manager, dataType);
        }
        PeftAdapter adapter = PeftAdapter.read(folder);
        Path base = baseFolder(folder, adapter);
        if (adapter.baseSha256().isPresent()) {
            adapter.requireBase(base, BaseIdentity.sha256(base));
        }
        CausalLanguageModel model = ModelDirectory.load(base, manager, dataType);
        adapter.loadInto(LoraAdapters.attach(model, adapter.settings(), manager), manager);
        return model;
    }

    private static Path baseFolder(Path folder, PeftAdapter adapter) {
        String base = adapter.baseModel();
        Path basePath = Path.of(base);
        if (base.isEmpty() || !Files.isDirectory(basePath)) {
            throw new IllegalArgumentException(folder.resolve(PeftAdapter.CONFIG_FILE)
                    + ": base_model_name_or_path '" + base + "' is not a model folder on this machine;"
                    + " FuseFlow loads an adapter onto a local copy of its base");
        }
        return basePath;
    }
}
