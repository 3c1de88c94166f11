package dev.fuseflow.trainer.model.qwen2;

import dev.fuseflow.trainer.model.ConfigFields;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaFamilyFields;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Qwen2 and Qwen2.5 ({@code model_type: qwen2}): Llama's blocks with a bias on the q, k and v
 * projections (not on o), and sliding windows on the layers {@code layer_types} names. The
 * parameter names are Llama's, so the Llama model loads the weights name for name.
 */
public final class Qwen2Checkpoint {

    private Qwen2Checkpoint() {}

    public static LlamaConfig readConfig(Path modelDir) throws IOException {
        return ConfigFields.readStrictly(modelDir, "qwen2", "Qwen2", Qwen2Checkpoint::readConfig);
    }

    /** config.json's fields, each used, declared irrelevant or implemented for one value only. */
    public static LlamaConfig readConfig(ConfigFields fields) {
        return LlamaFamilyFields.read(
                fields, LlamaConfig.ProjectionBias.QKV, false, LlamaFamilyFields.layerWindows(fields));
    }
}
