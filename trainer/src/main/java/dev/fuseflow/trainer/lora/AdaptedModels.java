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
        String base = PeftAdapter.read(folder).baseModel();
        Path basePath = Path.of(base);
        if (base.isEmpty() || !Files.isDirectory(basePath)) {
            throw new IllegalArgumentException(folder.resolve(PeftAdapter.CONFIG_FILE)
                    + ": base_model_name_or_path '" + base + "' is not a model folder on this machine;"
                    + " FuseFlow loads an adapter onto a local copy of its base");
        }
        return basePath;
    }

    /** The model of the folder, an adapter already applied to its base. */
    public static CausalLanguageModel load(Path folder, NDManager manager, DataType dataType) throws IOException {
        CausalLanguageModel model = ModelDirectory.load(modelFolder(folder), manager, dataType);
        if (isAdapter(folder)) {
            PeftAdapter adapter = PeftAdapter.read(folder);
            if (adapter.baseSha256().isPresent()) {
                adapter.requireBase(modelFolder(folder), BaseIdentity.sha256(modelFolder(folder)));
            }
            adapter.loadInto(LoraAdapters.attach(model, adapter.settings(), manager), manager);
        }
        return model;
    }
}
