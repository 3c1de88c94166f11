package dev.fuseflow.trainer.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's parameters under their Hugging Face names, and whether the checkpoint stores each one
 * transposed (GPT-2's {@code Conv1D} keeps weights as (in, out) where a DJL {@code Linear} keeps
 * (out, in); Llama's {@code nn.Linear} matches DJL).
 */
public final class HuggingFaceNames {

    /** A parameter and how the checkpoint lays it out. */
    public record Entry(Parameter parameter, boolean transposed) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, AdaptableLinear> adaptable = new LinkedHashMap<>();

    public void plain(String name, Parameter parameter) {
        entries.put(name, new Entry(parameter, false));
    }

    /** GPT-2's Conv1D: weight stored (in, out), with a bias. */
    public void conv1d(String prefix, Block linear) {
        adaptableLayer(prefix, linear);
        entries.put(prefix + ".weight", new Entry(linear.getParameters().get("weight"), true));
        entries.put(prefix + ".bias", new Entry(linear.getParameters().get("bias"), false));
    }

    /** PyTorch's nn.Linear, stored as DJL stores it; the bias only when the layer has one. */
    public void linear(String prefix, Block linear) {
        adaptableLayer(prefix, linear);
        entries.put(prefix + ".weight", new Entry(linear.getParameters().get("weight"), false));
        if (linear.getParameters().contains("bias")) {
            entries.put(prefix + ".bias", new Entry(linear.getParameters().get("bias"), false));
        }
    }

    public void layerNorm(String prefix, Block norm) {
        entries.put(prefix + ".weight", new Entry(norm.getParameters().get("gamma"), false));
        entries.put(prefix + ".bias", new Entry(norm.getParameters().get("beta"), false));
    }

    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** The layers that can take a LoRA adapter, under their Hugging Face module names (what PEFT targets). */
    public Map<String, AdaptableLinear> adaptableLayers() {
        return Collections.unmodifiableMap(adaptable);
    }

    private void adaptableLayer(String prefix, Block layer) {
        if (layer instanceof AdaptableLinear linear) {
            adaptable.put(prefix, linear);
        }
    }
}
