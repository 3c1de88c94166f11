package dev.fuseflow.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A {@code config.json} read strictly: every field an architecture reads is marked, every field it
 * knows to be irrelevant to training is named with the reason, and {@link #finish} refuses whatever
 * is left, naming the file, the field and its value. Nothing a checkpoint says is ignored silently:
 * a field FuseFlow does not implement could change what the model computes. Written by hand: Jackson
 * reads the JSON, but no library knows which of transformers' fields change a forward pass.
 */
public final class ConfigFields {

    /**
     * Fields of transformers' {@code PretrainedConfig} (and the generation defaults older versions
     * kept there) that describe the file, the tokenizer's ids, inference or fresh initialisation,
     * never the computation FuseFlow trains.
     */
    public static final String USED = "used";

    public static final String IRRELEVANT = "irrelevant: ";

    /** Why dropout settings do not apply: TRL's preference trainers disable dropout by default too. */
    public static final String NO_DROPOUT =
            "FuseFlow trains without dropout (policy and reference alike), as TRL's DPO trainer does by default";

    public static final Set<String> GENERIC_IRRELEVANT = Set.of(
            "_name_or_path",
            "architectures",
            "model_type",
            "transformers_version",
            "torch_dtype",
            "dtype",
            "use_cache",
            "initializer_range",
            "bos_token_id",
            "eos_token_id",
            "pad_token_id",
            "sep_token_id",
            "decoder_start_token_id",
            "output_hidden_states",
            "output_attentions",
            "return_dict",
            "id2label",
            "label2id",
            "problem_type",
            "tokenizer_class",
            "prefix",
            "task_specific_params",
            "finetuning_task",
            "torchscript",
            "use_bfloat16",
            "tf_legacy_loss",
            "pruned_heads",
            "chunk_size_feed_forward",
            "is_encoder_decoder",
            "is_decoder",
            "add_cross_attention",
            "cross_attention_hidden_size",
            "tie_encoder_decoder",
            "max_length",
            "min_length",
            "do_sample",
            "early_stopping",
            "num_beams",
            "num_beam_groups",
            "diversity_penalty",
            "temperature",
            "top_k",
            "top_p",
            "typical_p",
            "repetition_penalty",
            "length_penalty",
            "no_repeat_ngram_size",
            "encoder_no_repeat_ngram_size",
            "bad_words_ids",
            "num_return_sequences",
            "output_scores",
            "return_dict_in_generate",
            "forced_bos_token_id",
            "forced_eos_token_id",
            "remove_invalid_values",
            "exponential_decay_length_penalty",
            "suppress_tokens",
            "begin_suppress_tokens",
            "_attn_implementation_autoset",
            "_attn_implementation",
            "_experts_implementation");

    private final Path file;
    private final String architecture;
    private final JsonNode root;
    /** Each field read so far, with what FuseFlow does with it: "used", or why it is irrelevant or fixed. */
    private final Map<String, String> seen = new TreeMap<>();

    private ConfigFields(Path file, String architecture, JsonNode root) {
        this.file = file;
        this.architecture = architecture;
        this.root = root;
    }

    /**
     * Reads the folder's config.json as {@code modelType} with {@code reader}, then refuses whatever
     * the reader neither used nor declared irrelevant.
     */
    public static <C> C readStrictly(
            Path modelDir, String modelType, String architecture, Function<ConfigFields, C> reader) throws IOException {
        ConfigFields fields = read(modelDir, modelType, architecture);
        C config = reader.apply(fields);
        fields.finish();
        return config;
    }

    /** The folder's config.json, checked to be of {@code modelType}, to be read as {@code architecture} ("Qwen2"). */
    public static ConfigFields read(Path modelDir, String modelType, String architecture) throws IOException {
        Path file = modelDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(modelDir + " is not a model folder: it has no config.json");
        }
        ConfigFields fields = read(file, "model_type", modelType, architecture);
        GENERIC_IRRELEVANT.forEach(field -> fields.seen.put(field, IRRELEVANT + "metadata, token ids or inference"));
        return fields;
    }

    /**
     * Any JSON config whose {@code typeField} must say {@code type} (config.json's model_type,
     * adapter_config.json's peft_type), to be read by {@code reader} ("Qwen2", "LoRA").
     */
    public static ConfigFields read(Path file, String typeField, String type, String reader) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " does not hold a JSON object");
        }
        if (!type.equals(root.path(typeField).asText())) {
            throw new IllegalArgumentException(file + " has " + typeField + " '"
                    + root.path(typeField).asText() + "', this loader reads '" + type + "'");
        }
        ConfigFields fields = new ConfigFields(file, reader, root);
        fields.seen.put(typeField, USED);
        return fields;
    }

    public Path file() {
        return file;
    }

    /** Whether the field is present and not null. */
    public boolean has(String field) {
        return root.hasNonNull(field);
    }

    /** The field's node (missing or null as Jackson gives them), marked as read. */
    public JsonNode node(String field) {
        seen.putIfAbsent(field, USED);
        return root.path(field);
    }

    /** A positive integer the architecture cannot do without. */
    public int size(String field) {
        JsonNode value = node(field);
        if (!value.canConvertToInt() || value.asInt() < 1) {
            throw refused(field, value, "a positive integer is required");
        }
        return value.asInt();
    }

    /** A positive integer, or {@code fallback} when absent or null. */
    public int sizeOr(String field, int fallback) {
        return root.hasNonNull(field) ? size(field) : mark(field, fallback);
    }

    public double number(String field, double fallback) {
        JsonNode value = node(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw refused(field, value, "a number is required");
        }
        return value.asDouble();
    }

    public boolean flag(String field, boolean fallback) {
        JsonNode value = node(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw refused(field, value, "true or false is required");
        }
        return value.asBoolean();
    }

    /** A field FuseFlow implements for one value only: absent, null or that value passes, anything else is refused. */
    public void onlyValue(String field, Object supported, String why) {
        seen.put(field, "implemented for " + supported + " only (" + why + ")");
        JsonNode value = root.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        boolean same = supported instanceof Number n
                ? value.isNumber() && value.asDouble() == n.doubleValue()
                : value.asText().equals(String.valueOf(supported));
        if (!same) {
            throw refused(field, value, "FuseFlow supports " + supported + " only (" + why + ")");
        }
    }

    /** Fields that do not change what training computes, with the reason (kept for the field table). */
    public void irrelevant(String why, String... fields) {
        Objects.requireNonNull(why, "why");
        for (String field : fields) {
            seen.putIfAbsent(field, IRRELEVANT + why);
        }
    }

    /** Refuses every field nobody read or declared irrelevant. */
    public void finish() {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!seen.containsKey(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.get(0);
            throw refused(
                    first,
                    root.path(first),
                    "FuseFlow's " + architecture + " does not implement it"
                            + (unknown.size() > 1 ? " (also unknown: " + unknown.subList(1, unknown.size()) + ")" : "")
                            + "; a field that changes the computation cannot be ignored");
        }
    }

    /** An error naming the file, the field, its value and what is supported. */
    public IllegalArgumentException refused(String field, JsonNode value, String what) {
        return new IllegalArgumentException(file + ": field '" + field + "' is "
                + (value.isMissingNode() ? "missing" : value.toString()) + "; " + what);
    }

    private int mark(String field, int value) {
        seen.putIfAbsent(field, USED);
        return value;
    }

    /**
     * What the reader did with each field it knows, present in this file or not: "used", "irrelevant:
     * why", or "implemented for V only (why)". {@code fuseflow-trainer inspect} and the field-table
     * test print it.
     */
    public Map<String, String> table() {
        return Collections.unmodifiableMap(seen);
    }
}
