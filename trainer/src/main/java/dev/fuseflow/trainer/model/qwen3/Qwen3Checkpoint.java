package dev.fuseflow.trainer.model.qwen3;

import dev.fuseflow.trainer.model.ConfigFields;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaFamilyFields;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Qwen3 ({@code model_type: qwen3}): Llama's blocks with an RMSNorm over each query and key head
 * ({@code q_norm}, {@code k_norm}) before the rotary embedding, an explicit {@code head_dim},
 * biases on all four projections when {@code attention_bias}, and sliding windows on the layers
 * {@code layer_types} names.
 */
public final class Qwen3Checkpoint {

    private Qwen3Checkpoint() {}

    public static LlamaConfig readConfig(Path modelDir) throws IOException {
        return ConfigFields.readStrictly(modelDir, "qwen3", "Qwen3", Qwen3Checkpoint::readConfig);
    }

    /** config.json's fields, each used, declared irrelevant or implemented for one value only. */
    public static LlamaConfig readConfig(ConfigFields fields) {
        return LlamaFamilyFields.read(
                fields, LlamaFamilyFields.attentionBias(fields), true, LlamaFamilyFields.layerWindows(fields));
    }
}
