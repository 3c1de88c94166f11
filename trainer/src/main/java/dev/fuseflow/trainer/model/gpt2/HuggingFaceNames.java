package dev.fuseflow.trainer.model.gpt2;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model's parameters under their Hugging Face names, and whether the checkpoint stores each
 * one transposed: GPT-2's {@code Conv1D} keeps weights as (in, out) where a DJL {@code Linear}
 * keeps (out, in).
 */
public final class HuggingFaceNames {

    /** A parameter and how the checkpoint lays it out. */
    public record Entry(Parameter parameter, boolean transposed) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    void plain(String name, Parameter parameter) {
        entries.put(name, new Entry(parameter, false));
    }

    void conv1d(String prefix, Block linear) {
        entries.put(prefix + ".weight", new Entry(linear.getParameters().get("weight"), true));
        entries.put(prefix + ".bias", new Entry(linear.getParameters().get("bias"), false));
    }

    void layerNorm(String prefix, Block norm) {
        entries.put(prefix + ".weight", new Entry(norm.getParameters().get("gamma"), false));
        entries.put(prefix + ".bias", new Entry(norm.getParameters().get("beta"), false));
    }

    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }
}
