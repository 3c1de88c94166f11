package dev.fuseflow.trainer.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.schemas.avro.ArtifactKind;
import dev.fuseflow.trainer.format.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a version's folder holds, as its ModelVersion record announces it: a whole model, or a
 * LoRA adapter (PEFT's {@code adapter_config.json} beside the weights) and the base it applies to.
 */
public record Artifact(ArtifactKind kind, Optional<String> baseModel, Optional<String> baseSha256) {

    public static final Artifact FULL_MODEL = new Artifact(ArtifactKind.FULL_MODEL, Optional.empty(), Optional.empty());

    /** PEFT's config file, whose presence makes a folder an adapter. */
    static final String ADAPTER_CONFIG = "adapter_config.json";

    /** Where FuseFlow records the base's SHA-256: the adapter weights file's metadata (lora.PeftAdapter). */
    private static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";

    private static final String BASE_SHA256 = "fuseflow_base_sha256";

    public Artifact {
        if ((kind == ArtifactKind.LORA_ADAPTER) != baseModel.isPresent()) {
            throw new IllegalArgumentException(
                    "an adapter, and only an adapter, names its base model: " + kind + ", " + baseModel);
        }
    }

    public static Artifact adapterOf(String baseModel, String baseSha256) {
        return new Artifact(ArtifactKind.LORA_ADAPTER, Optional.of(baseModel), Optional.ofNullable(baseSha256));
    }

    /** What a stored version's folder is, read from the folder itself (a rollback announces it again). */
    /** The base's SHA-256 an adapter recorded, or null (an adapter PEFT wrote). */
    private static String baseSha256(Path folder) throws IOException {
        Path weights = folder.resolve(ADAPTER_WEIGHTS);
        return Files.isRegularFile(weights)
                ? SafeTensors.read(weights).metadata().get(BASE_SHA256)
                : null;
    }

    public static Artifact of(Path folder) throws IOException {
        Path config = folder.resolve(ADAPTER_CONFIG);
        if (!Files.isRegularFile(config)) {
            return FULL_MODEL;
        }
        JsonNode base = new ObjectMapper().readTree(config.toFile()).path("base_model_name_or_path");
        if (!base.isTextual() || base.asText().isEmpty()) {
            throw new IllegalArgumentException(config + ": an adapter must name its base in base_model_name_or_path");
        }
        return adapterOf(base.asText(), baseSha256(folder));
    }
}
