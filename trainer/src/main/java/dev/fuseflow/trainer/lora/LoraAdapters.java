package dev.fuseflow.trainer.lora;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.fuseflow.trainer.model.AdaptableLinear;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.LowRankAdapter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A model with LoRA adapters on the layers its settings target, its base weights frozen: only the
 * adapters train. The same model computes the reference with the adapters off
 * ({@link #withoutAdapters}), and {@link #merge} folds the adapters into the base (the SFT model
 * becomes the base of the preference stage's fresh adapters).
 */
public final class LoraAdapters {

    /** PEFT's prefix of every module name in an adapter file. */
    static final String PEFT_PREFIX = "base_model.model.";

    private final CausalLanguageModel model;
    private final LoraSettings settings;
    private final Map<String, AdaptableLinear> layers;

    private LoraAdapters(CausalLanguageModel model, LoraSettings settings, Map<String, AdaptableLinear> layers) {
        this.model = model;
        this.settings = settings;
        this.layers = Collections.unmodifiableMap(layers);
    }

    /**
     * Fresh adapters (they change nothing until trained) on every layer {@code settings} targets, in
     * the weights' own type on their device; the rest of the model is frozen.
     *
     * @throws IllegalArgumentException when a target module names no layer of the model
     */
    public static LoraAdapters attach(CausalLanguageModel model, LoraSettings settings, NDManager manager) {
        Map<String, AdaptableLinear> candidates = model.huggingFaceParameters().adaptableLayers();
        for (String target : settings.targetModules()) {
            if (candidates.keySet().stream().noneMatch(name -> LoraSettings.matches(target, name))) {
                throw new IllegalArgumentException(
                        "LoRA target module '" + target + "' (target_modules) is not a layer "
                                + "of this model; its layers that take adapters: " + layerKinds(candidates) + " or "
                                + LoraSettings.ALL_LINEAR);
            }
        }
        model.freezeParameters(true);
        Map<String, AdaptableLinear> adapted = new LinkedHashMap<>();
        candidates.forEach((name, layer) -> {
            if (settings.targets(name)) {
                var weight = layer.weight().getArray();
                layer.attach(new LowRankAdapter(
                        manager,
                        weight.getDataType(),
                        weight.getShape(),
                        settings.rank(),
                        settings.scaling(),
                        settings.dropout()));
                adapted.put(name, layer);
            }
        });
        return new LoraAdapters(model, settings, adapted);
    }

    /** The last part of each layer's name (q_proj, c_attn, ...), once each. */
    private static TreeSet<String> layerKinds(Map<String, AdaptableLinear> layers) {
        TreeSet<String> kinds = new TreeSet<>();
        layers.keySet().forEach(name -> kinds.add(name.substring(name.lastIndexOf('.') + 1)));
        return kinds;
    }

    public CausalLanguageModel model() {
        return model;
    }

    public LoraSettings settings() {
        return settings;
    }

    /** Each adapter under the Hugging Face name of the layer it adapts. */
    public Map<String, LowRankAdapter> adapters() {
        Map<String, LowRankAdapter> adapters = new LinkedHashMap<>();
        layers.forEach((name, layer) -> adapters.put(name, layer.adapter().orElseThrow()));
        return adapters;
    }

    /** Every adapter weight under its name in a PEFT adapter file ({@code base_model.model.<module>.lora_A.weight}). */
    public Map<String, Parameter> peftParameters() {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        adapters().forEach((name, adapter) -> {
            parameters.put(PEFT_PREFIX + name + ".lora_A.weight", adapter.loraA());
            parameters.put(PEFT_PREFIX + name + ".lora_B.weight", adapter.loraB());
        });
        return parameters;
    }

    /** Switches every adapter on or off. */
    public void enable(boolean on) {
        layers.values().forEach(layer -> layer.adapter().orElseThrow().enable(on));
    }

    /** The same model computing with its adapters off: the reference, without a second copy of the weights. */
    public CausalLanguageModel withoutAdapters() {
        return new WithoutAdapters(model, this);
    }

    /** Folds every adapter into its layer's weight and starts each adapter afresh: the model computes as before. */
    public void merge() {
        layers.values().forEach(AdaptableLinear::mergeAdapter);
    }
}
