package dev.fuseflow.trainer.publish;

import dev.fuseflow.schemas.avro.ArtifactKind;
import dev.fuseflow.trainer.lora.AdaptedModels;
import dev.fuseflow.trainer.lora.PeftAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a version's folder holds, as its ModelVersion record announces it: a whole model, or a
 * LoRA adapter (PEFT's {@code adapter_config.json} beside the weights) and the base it applies to.
 */
public record Artifact(ArtifactKind kind, Optional<String> baseModel, Optional<String> baseSha256) {

    public static final Artifact FULL_MODEL = new Artifact(ArtifactKind.FULL_MODEL, Optional.empty(), Optional.empty());

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
    public static Artifact of(Path folder) throws IOException {
        if (!AdaptedModels.isAdapter(folder)) {
            return FULL_MODEL;
        }
        PeftAdapter adapter = PeftAdapter.read(folder);
        if (adapter.baseModel().isEmpty()) {
            throw new IllegalArgumentException(folder.resolve(PeftAdapter.CONFIG_FILE)
                    + ": an adapter must name its base in base_model_name_or_path");
        }
        return adapterOf(adapter.baseModel(), adapter.baseSha256().orElse(null));
    }
}
