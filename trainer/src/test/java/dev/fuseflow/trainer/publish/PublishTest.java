package dev.fuseflow.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.model.FreshModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishTest {

    @TempDir
    Path dir;

    private static final EvalGate GATE = new EvalGate(List.of("eval/rewards/accuracies", "eval/loss"), List.of("eval/loss"), 0.02);

    @Test
    void theGatePassesBetterOrSlightlyWorseCandidatesAndNamesWhatFailed() {
        Map<String, Double> published = Map.of("eval/rewards/accuracies", 0.80, "eval/loss", 0.50);
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", 0.79, "eval/loss", 0.51), published).publish()).isTrue();
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", 0.70, "eval/loss", 0.40), published).reasons())
                .containsExactly("eval/rewards/accuracies 0.700000 is worse than the published 0.800000 by 0.100000 (tolerance 0.020000)");
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", 0.90, "eval/loss", 0.60), published).reasons())
                .containsExactly("eval/loss 0.600000 is worse than the published 0.500000 by 0.100000 (tolerance 0.020000)");
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", Double.NaN, "eval/loss", 0.4), published).reasons())
                .containsExactly("eval/rewards/accuracies is NaN: every gated metric must be finite");
        assertThat(GATE.judge(Map.of("eval/loss", 0.4), Map.of()).reasons()).containsExactly(
                "eval/rewards/accuracies is null: every gated metric must be finite");
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", 0.1, "eval/loss", 3.0), Map.of()).publish())
                .as("the first version has nothing to be worse than").isTrue();
        assertThatThrownBy(() -> new EvalGate(List.of("a"), List.of("b"), 0)).hasMessageContaining("must be among the gated");
    }

    @Test
    void versionsArePublishedWholeWithAManifestOfHashesThatCatchesTampering() throws Exception {
        Path model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 1);
        ModelStore store = new ModelStore(dir.resolve("store"));
        ModelStore.Stored v1 = store.publish(copyOf(model), new ModelStore.Manifest("target", 1, null, 40, 320, Map.of("prefs-0", 160L),
                Map.of("eval/rewards/accuracies", 0.9), Map.of()));
        assertThat(v1.folder()).isEqualTo(dir.resolve("store/target/v1"));
        assertThat(v1.manifest().files()).containsOnlyKeys("config.json", "model.safetensors", "tokenizer.json");
        assertThat(v1.manifestSha256()).hasSize(64);
        assertThat(ModelStore.verify(v1)).isEmpty();
        store.publish(copyOf(model), new ModelStore.Manifest("target", 2, 1L, 80, 640, Map.of(), Map.of(), Map.of()));
        assertThat(store.versions("target")).extracting(s -> s.manifest().version()).containsExactly(1L, 2L);
        assertThat(store.latest("target").orElseThrow().manifest().parentVersion()).isEqualTo(1L);
        ModelStore.Manifest again = new ModelStore.Manifest("target", 2, 1L, 80, 640, Map.of(), Map.of(), Map.of());
        assertThatThrownBy(() -> store.publish(copyOf(model), again))
                .hasMessageContaining("was published already");

        Files.writeString(v1.folder().resolve("config.json"), "{}");
        assertThat(ModelStore.verify(v1)).containsExactly("config.json");
        try (var entries = Files.list(dir.resolve("store/target"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("v1", "v2");
        }
    }

    /** The published model: a copy of a folder written by the built-in model presets. */
    private static CheckpointStore.Contents copyOf(Path model) {
        return folder -> {
            try (var files = Files.list(model)) {
                for (Path file : files.toList()) {
                    Files.copy(file, folder.resolve(file.getFileName().toString()));
                }
            }
        };
    }
}
