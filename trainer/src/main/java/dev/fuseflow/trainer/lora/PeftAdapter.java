package dev.fuseflow.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.model.ConfigFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A LoRA adapter in PEFT's folder format: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with PEFT's parameter names, which PEFT, vLLM and FuseFlow all
 * load onto the same base model. Every field of the config that changes the computation is used or
 * refused by name (DoRA, bias training, per-layer ranks, modules saved in full, ...).
 */
public record PeftAdapter(
        LoraSettings settings,
        String baseModel,
        Optional<String> baseSha256,
        boolean fanInFanOut,
        Map<String, Tensor> weights) {

    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** FuseFlow's own entry in the weights file's metadata, which PEFT and vLLM ignore: {@link BaseIdentity}. */
    static final String BASE_SHA256 = "fuseflow_base_sha256";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a PEFT LoRA adapter folder, refusing what FuseFlow's adapters do not compute. */
    public static PeftAdapter read(Path folder) throws IOException {
        Path configFile = folder.resolve(CONFIG_FILE);
        Path weightsFile = folder.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
            throw new IllegalArgumentException(
                    folder + " is not a PEFT adapter: it needs " + CONFIG_FILE + " and " + WEIGHTS_FILE);
        }
        ConfigFields fields = ConfigFields.read(configFile, "peft_type", "LORA", "LoRA");
        LoraSettings settings = settings(fields);
        String base = fields.node("base_model_name_or_path").asText("");
        // How GPT-2's Conv1D stores the base weight; the adapter's A and B are laid out alike either way.
        boolean fanInFanOut = fields.flag("fan_in_fan_out", false);
        fields.finish();
        SafeTensors.Contents contents = SafeTensors.read(weightsFile);
        return new PeftAdapter(
                settings,
                base,
                Optional.ofNullable(contents.metadata().get(BASE_SHA256)),
                fanInFanOut,
                contents.tensors());
    }

    private static LoraSettings settings(ConfigFields fields) {
        JsonNode targets = fields.node("target_modules");
        List<String> modules = new ArrayList<>();
        if (targets.isArray()) {
            targets.forEach(t -> modules.add(t.asText()));
        } else if (targets.isTextual() && targets.asText().equals(LoraSettings.ALL_LINEAR)) {
            modules.add(LoraSettings.ALL_LINEAR);
        } else {
            throw fields.refused(
                    "target_modules",
                    targets,
                    "a list of module names or \"" + LoraSettings.ALL_LINEAR
                            + "\" is supported (not a regular expression)");
        }
        LoraSettings settings = new LoraSettings(
                fields.size("r"),
                fields.number("lora_alpha", 8),
                fields.number("lora_dropout", 0),
                modules,
                fields.flag("use_rslora", false));
        fields.onlyValue("use_dora", false, "DoRA's magnitude vectors are not implemented");
        fields.onlyValue("bias", "none", "adapters train no biases");
        fields.onlyValue("lora_bias", false, "adapters train no biases");
        fields.onlyValue("use_qalora", false, "quantized bases are not supported");
        emptyOnly(fields, "rank_pattern", "alpha_pattern", "modules_to_save", "layers_to_transform", "layers_pattern");
        emptyOnly(fields, "exclude_modules", "trainable_token_indices", "layer_replication", "target_parameters");
        emptyOnly(fields, "use_bdlora");
        emptyOnly(fields, "alora_invocation_tokens", "arrow_config", "corda_config", "eva_config", "kasa_config");
        emptyOnly(fields, "lora_ga_config", "monteclora_config", "velora_config", "megatron_config", "loftq_config");
        fields.irrelevant(
                "metadata, initialisation or inference",
                "task_type",
                "peft_version",
                "revision",
                "inference_mode",
                "init_lora_weights",
                "auto_mapping",
                "megatron_core",
                "qalora_group_size",
                "ensure_weight_tying");
        return settings;
    }

    /** Options that change the computation when set: absent, null, {} or [] pass, anything else is refused. */
    private static void emptyOnly(ConfigFields fields, String... names) {
        for (String name : names) {
            JsonNode value = fields.node(name);
            if (!(value.isMissingNode() || value.isNull() || value.isEmpty())) {
                throw fields.refused(name, value, "FuseFlow's LoRA does not implement it");
            }
        }
    }

    /**
     * Refuses to apply this adapter to the base in {@code modelFolder} when the adapter recorded the
     * SHA-256 of the base it was trained on and the folder's weights hash otherwise.
     */
    public void requireBase(Path modelFolder, String actualSha256) {
        if (baseSha256.isPresent() && !baseSha256.get().equals(actualSha256)) {
            throw new IllegalArgumentException("the adapter was trained on a base whose weights have SHA-256 "
                    + baseSha256.get() + " (" + BASE_SHA256 + " in " + WEIGHTS_FILE + "), but " + modelFolder
                    + " has " + actualSha256 + ": another model, or the base changed");
        }
    }

    /**
     * Copies the weights into {@code adapters}, name for name.
     *
     * @throws IllegalArgumentException when the adapters were made with other settings, a weight is
     *     missing or extra, or a shape differs, naming the tensor
     */
    public void loadInto(LoraAdapters adapters, NDManager manager) {
        LoraSettings model = adapters.settings();
        if (model.rank() != settings.rank() || model.scaling() != settings.scaling()) {
            throw new IllegalArgumentException(
                    "the adapter has r " + settings.rank() + " and scaling " + settings.scaling()
                            + ", the model's adapters r " + model.rank() + " and scaling " + model.scaling());
        }
        Map<String, Parameter> parameters = adapters.peftParameters();
        TreeSet<String> extra = new TreeSet<>(weights.keySet());
        extra.removeAll(parameters.keySet());
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException(WEIGHTS_FILE + " has weights for layers this model does not adapt: "
                    + extra + " (the adapter was made for another model)");
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Tensor tensor = weights.get(e.getKey());
            if (tensor == null) {
                throw new IllegalArgumentException(WEIGHTS_FILE + " lacks '" + e.getKey() + "'");
            }
            NDArray target = e.getValue().getArray();
            if (!new Shape(tensor.shape()).equals(target.getShape())) {
                throw new IllegalArgumentException("'" + e.getKey() + "' in " + WEIGHTS_FILE + " has shape "
                        + Arrays.toString(tensor.shape()) + ", the model's layer needs " + target.getShape());
            }
            try (NDManager scratch = manager.newSubManager(target.getDevice());
                    NDArray values = scratch.create(tensor.toFloats(), target.getShape())) {
                target.set(new NDIndex("..."), values.toType(target.getDataType(), false));
            }
        }
    }

    /**
     * The adapters' weights as they are now, copied to the host in float32 (PEFT keeps adapter
     * weights in float32 whatever the base's type), as an adapter of {@code baseModel}.
     */
    public static PeftAdapter of(LoraAdapters adapters, String baseModel, Optional<String> baseSha256) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : adapters.peftParameters().entrySet()) {
            NDArray array = e.getValue().getArray();
            try (NDArray floats = array.toType(DataType.FLOAT32, true)) {
                tensors.put(e.getKey(), Tensor.ofFloats(array.getShape().getShape(), floats.toFloatArray()));
            }
        }
        boolean fanInFanOut = adapters.model().huggingFaceParameters().entries().values().stream()
                .anyMatch(entry -> entry.transposed());
        return new PeftAdapter(adapters.settings(), baseModel, baseSha256, fanInFanOut, tensors);
    }

    /** Writes the folder PEFT and vLLM load: {@code adapter_config.json} and {@code adapter_model.safetensors}. */
    public void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt"));
        baseSha256.ifPresent(sha -> metadata.put(BASE_SHA256, sha));
        SafeTensors.write(folder.resolve(WEIGHTS_FILE), weights, metadata);
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(folder.resolve(CONFIG_FILE).toFile(), config());
    }

    private ObjectNode config() {
        ObjectNode config = JSON.createObjectNode();
        config.put("peft_type", "LORA");
        config.put("task_type", "CAUSAL_LM");
        config.put("base_model_name_or_path", baseModel);
        config.put("r", settings.rank());
        config.put("lora_alpha", settings.alpha());
        config.put("lora_dropout", settings.dropout());
        config.put("use_rslora", settings.rslora());
        // PEFT and vLLM match these against module names; the adapted layers' own last names are unambiguous.
        TreeSet<String> modules = new TreeSet<>();
        for (String name : weights.keySet()) {
            String module = name.substring(0, name.lastIndexOf(".lora_"));
            modules.add(module.substring(module.lastIndexOf('.') + 1));
        }
        modules.forEach(config.putArray("target_modules")::add);
        config.put("bias", "none");
        config.put("fan_in_fan_out", fanInFanOut);
        config.put("inference_mode", true);
        config.put("use_dora", false);
        config.putNull("modules_to_save");
        return config;
    }

    /**
     * One adapter that computes this one applied on top of {@code below} (both adapt the same
     * layers of the same base): {@code s1 B1 A1 + s2 B2 A2 = [s1 B1 | s2 B2] [A1; A2]}, of rank
     * r1 + r2 with the scalings folded into B and a scaling of 1 ({@code lora_alpha} = r1 + r2).
     * A preference stage's adapter trains on the base with the SFT adapter merged in; stacked on the
     * SFT adapter it is an adapter of the user's own base, which serving holds.
     */
    public PeftAdapter stackedOn(PeftAdapter below) {
        if (!below.weights.keySet().equals(weights.keySet())) {
            throw new IllegalArgumentException("adapters to stack must adapt the same layers: " + below.weights.keySet()
                    + " vs " + weights.keySet());
        }
        int rank = below.settings.rank() + settings.rank();
        Map<String, Tensor> stacked = new LinkedHashMap<>();
        for (String name : weights.keySet()) {
            Tensor lower = below.weights.get(name);
            Tensor upper = weights.get(name);
            stacked.put(
                    name,
                    name.endsWith(".lora_A.weight")
                            ? LowRankStacking.rows(lower, upper)
                            : LowRankStacking.columns(
                                    lower, (float) below.settings.scaling(), upper, (float) settings.scaling()));
        }
        LoraSettings combined = new LoraSettings(rank, rank, settings.dropout(), settings.targetModules(), false);
        return new PeftAdapter(combined, baseModel, baseSha256, fanInFanOut, stacked);
    }
}
