package dev.fuseflow.trainer.model.mistral;

import dev.fuseflow.trainer.model.ConfigFields;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaFamilyFields;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;

/**
 * Mistral ({@code model_type: mistral}): Llama's blocks with sliding-window attention on every
 * layer when {@code sliding_window} is set (Mistral 7B v0.1: 4096; later versions: null, full
 * attention). The window is exact for sequences longer than it: keys more than
 * {@code sliding_window - 1} tokens back are masked, as transformers' mask does.
 */
public final class MistralCheckpoint {

    private MistralCheckpoint() {}

    public static LlamaConfig readConfig(Path modelDir) throws IOException {
        return ConfigFields.readStrictly(modelDir, "mistral", "Mistral", MistralCheckpoint::readConfig);
    }

    /** config.json's fields, each used, declared irrelevant or implemented for one value only. */
    public static LlamaConfig readConfig(ConfigFields fields) {
        LlamaConfig.SlidingWindow window =
                fields.has("layer_types") ? LlamaFamilyFields.layerWindows(fields) : everyLayer(fields);
        return LlamaFamilyFields.read(fields, LlamaConfig.ProjectionBias.NONE, false, window);
    }

    private static LlamaConfig.SlidingWindow everyLayer(ConfigFields fields) {
        if (!fields.has("sliding_window")) {
            fields.node("sliding_window");
            return LlamaConfig.SlidingWindow.NONE;
        }
        return new LlamaConfig.SlidingWindow(
                fields.size("sliding_window"), Collections.nCopies(fields.size("num_hidden_layers"), true));
    }
}
