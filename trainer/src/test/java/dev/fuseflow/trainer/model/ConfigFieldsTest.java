package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.trainer.model.llama.LlamaCheckpoint;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.RopeScaling;
import dev.fuseflow.trainer.model.mistral.MistralCheckpoint;
import dev.fuseflow.trainer.model.qwen2.Qwen2Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every field of each supported transformers config class (as transformers 5.17 serialises a
 * default config: {@code config_fields.json}, written by {@code make_golden.py}) is used, declared
 * irrelevant with a reason, or implemented for one value only; what a reader does not know is
 * refused with the file, the field and its value.
 */
class ConfigFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2", "qwen3", "mistral"})
    void everyFieldOfTheTransformersConfigClassIsAccountedFor(String modelType) throws Exception {
        ObjectNode defaults = defaults(modelType);
        write(defaults);

        Map<String, String> table = ModelDirectory.fieldTable(dir);

        List<String> fields = new ArrayList<>();
        defaults.fieldNames().forEachRemaining(fields::add);
        System.out.println(modelType + " config.json fields (transformers 5.17 defaults):");
        fields.forEach(field -> System.out.printf("  %-34s %s%n", field, table.get(field)));
        assertThat(table).containsKeys(fields.toArray(String[]::new));
        assertThat(table.values())
                .allMatch(what -> what.equals(ConfigFields.USED)
                        || what.startsWith(ConfigFields.IRRELEVANT)
                        || what.startsWith("implemented for "));
    }

    @Test
    void anUnknownFieldIsRefusedWithTheFileFieldAndValue() throws Exception {
        ObjectNode config = defaults("llama");
        config.putObject("quantization_config").put("quant_method", "bitsandbytes");
        write(config);

        assertThatThrownBy(() -> ModelDirectory.contextLength(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("config.json").toString())
                .hasMessageContaining("field 'quantization_config' is {\"quant_method\":\"bitsandbytes\"}")
                .hasMessageContaining("FuseFlow's Llama does not implement it");
    }

    @Test
    void aValueFuseFlowDoesNotImplementIsRefusedNamingWhatIsSupported() throws Exception {
        ObjectNode config = defaults("llama");
        config.put("hidden_act", "gelu");
        write(config);

        assertThatThrownBy(() -> LlamaCheckpoint.readConfig(dir))
                .hasMessageContaining("field 'hidden_act' is \"gelu\"; FuseFlow supports silu only");
    }

    @Test
    void anUnknownRopeTypeOrRopeKeyIsRefused() throws Exception {
        ObjectNode config = defaults("llama");
        config.putObject("rope_parameters").put("rope_type", "longrope").put("rope_theta", 10_000.0);
        write(config);
        assertThatThrownBy(() -> LlamaCheckpoint.readConfig(dir))
                .hasMessageContaining("field 'rope_parameters'")
                .hasMessageContaining("rope_type 'longrope' is not one of");

        config.putObject("rope_parameters")
                .put("rope_type", "linear")
                .put("factor", 2.0)
                .put("low_freq_factor", 1.0);
        write(config);
        assertThatThrownBy(() -> LlamaCheckpoint.readConfig(dir))
                .hasMessageContaining("key 'low_freq_factor' is not implemented for rope_type linear");
    }

    @Test
    void aTransformers4RopeScalingIsReadLikeRopeParameters() throws Exception {
        ObjectNode config = defaults("llama");
        config.remove("rope_parameters");
        config.put("rope_theta", 500_000.0);
        config.putObject("rope_scaling")
                .put("rope_type", "llama3")
                .put("factor", 8.0)
                .put("low_freq_factor", 1.0)
                .put("high_freq_factor", 4.0)
                .put("original_max_position_embeddings", 8192);
        write(config);

        LlamaConfig read = LlamaCheckpoint.readConfig(dir);

        assertThat(read.rope().theta()).isEqualTo(500_000.0);
        assertThat(read.rope().scaling()).isEqualTo(new RopeScaling.Llama3(8, 1, 4, 8192));
    }

    @Test
    void slidingWindowsFollowTheLayerTypesOrTheOlderFlags() throws Exception {
        ObjectNode qwen = defaults("qwen2");
        qwen.put("num_hidden_layers", 3);
        qwen.remove("layer_types");
        qwen.put("use_sliding_window", true);
        qwen.put("max_window_layers", 1);
        qwen.put("sliding_window", 256);
        write(qwen);
        assertThat(Qwen2Checkpoint.readConfig(dir).attention().window())
                .isEqualTo(new LlamaConfig.SlidingWindow(256, List.of(false, true, true)));

        ObjectNode mistral = defaults("mistral");
        mistral.put("num_hidden_layers", 2);
        write(mistral);
        assertThat(MistralCheckpoint.readConfig(dir).attention().window())
                .isEqualTo(new LlamaConfig.SlidingWindow(4096, List.of(true, true)));
        mistral.putNull("sliding_window");
        write(mistral);
        assertThat(MistralCheckpoint.readConfig(dir).attention().window()).isEqualTo(LlamaConfig.SlidingWindow.NONE);
    }

    @Test
    void anUnsupportedModelTypeNamesWhatIsImplemented() throws Exception {
        ObjectNode config = defaults("llama");
        config.put("model_type", "gemma2");
        write(config);

        assertThatThrownBy(() -> ModelDirectory.modelType(dir))
                .hasMessageContaining("model_type 'gemma2' is not supported; FuseFlow implements [gpt2, llama, mistral,"
                        + " qwen2, qwen3]");
    }

    private static ObjectNode defaults(String modelType) throws IOException {
        JsonNode all = JSON.readTree(ConfigFieldsTest.class.getResourceAsStream("/config_fields.json"));
        ObjectNode defaults = ((ObjectNode) all.path("defaults").path(modelType)).deepCopy();
        // to_dict writes nulls as JSON null and Python objects as their str(); keep only JSON values.
        for (Iterator<Map.Entry<String, JsonNode>> it = defaults.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isTextual() && field.getValue().asText().startsWith("<")) {
                it.remove();
            }
        }
        return defaults;
    }

    private void write(ObjectNode config) throws IOException {
        Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config));
    }
}
