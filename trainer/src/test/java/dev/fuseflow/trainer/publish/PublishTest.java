package dev.fuseflow.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.model.FreshModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishTest {

    @TempDir
    Path dir;

    private static final EvalGate GATE =
            new EvalGate(List.of("eval/rewards/accuracies", "eval/loss"), List.of("eval/loss"), 0.02);

    @Test
    void theGatePassesBetterOrSlightlyWorseCandidatesAndNamesWhatFailed() {
        Map<String, Double> published = Map.of("eval/rewards/accuracies", 0.80, "eval/loss", 0.50);
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", 0.79, "eval/loss", 0.51), published)
                        .publish())
                .isTrue();
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", 0.70, "eval/loss", 0.40), published)
                        .reasons())
                .containsExactly(
                        "eval/rewards/accuracies 0.700000 is worse than the published 0.800000 by 0.100000 (tolerance 0.020000)");
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", 0.90, "eval/loss", 0.60), published)
                        .reasons())
                .containsExactly(
                        "eval/loss 0.600000 is worse than the published 0.500000 by 0.100000 (tolerance 0.020000)");
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", Double.NaN, "eval/loss", 0.4), published)
                        .reasons())
                .containsExactly("eval/rewards/accuracies is NaN: every gated metric must be finite");
        assertThat(GATE.judge(Map.of("eval/loss", 0.4), Map.of()).reasons())
                .containsExactly("eval/rewards/accuracies is null: every gated metric must be finite");
        assertThat(GATE.judge(Map.of("eval/rewards/accuracies", 0.1, "eval/loss", 3.0), Map.of())
                        .publish())
                .as("the first version has nothing to be worse than")
                .isTrue();
        assertThatThrownBy(() -> new EvalGate(List.of("a"), List.of("b"), 0))
                .hasMessageContaining("must be among the gated");
    }

    @Test
    void versionsArePublishedWholeWithAManifestOfHashesThatCatchesTampering() throws Exception {
        Path model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 1);
        ModelStore store = new ModelStore(dir.resolve("store"));
        ModelStore.Stored v1 = store.publish(
                copyOf(model),
                new ModelStore.Manifest(
                        "target",
                        1,
                        null,
                        40,
                        320,
                        Map.of(new TopicPartition("prefs", 0), 160L),
                        Map.of("eval/rewards/accuracies", 0.9),
                        Map.of()));
        assertThat(v1.folder()).isEqualTo(dir.resolve("store/target/v1"));
        assertThat(v1.manifest().files()).containsOnlyKeys("config.json", "model.safetensors", "tokenizer.json");
        assertThat(v1.manifestSha256()).hasSize(64);
        assertThat(ModelStore.verify(v1)).isEmpty();
        store.publish(copyOf(model), new ModelStore.Manifest("target", 2, 1L, 80, 640, Map.of(), Map.of(), Map.of()));
        assertThat(store.versions("target"))
                .extracting(s -> s.manifest().version())
                .containsExactly(1L, 2L);
        assertThat(store.latest("target").orElseThrow().manifest().parentVersion())
                .isEqualTo(1L);
        ModelStore.Manifest again = new ModelStore.Manifest("target", 2, 1L, 80, 640, Map.of(), Map.of(), Map.of());
        assertThatThrownBy(() -> store.publish(copyOf(model), again)).hasMessageContaining("was published already");

        Files.writeString(v1.folder().resolve("config.json"), "{}");
        assertThat(ModelStore.verify(v1)).containsExactly("config.json");
        try (var entries = Files.list(dir.resolve("store/target"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("v1", "v2", "CURRENT");
        }
    }

    @Test
    void rejectedNumbersAreNeverReusedAndOperatorsRollBackAndPromoteThroughTheStoreAndTheTopic() throws Exception {
        Path model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 1);
        ModelStore store = new ModelStore(dir.resolve("store"));
        store.publish(copyOf(model), manifest(1, null, 0.5));
        store.recordRejected(manifest(2, 1L, 0.1), List.of("eval/task_reward 0.1 is worse than the published 0.5"));
        store.publish(copyOf(model), manifest(3, 1L, 0.6));
        assertThat(new ModelStore(dir.resolve("store")).highestVersionNumber("target"))
                .as("a restarted trainer goes on at 4")
                .isEqualTo(3);
        assertThat(store.current("target").orElseThrow().manifest().version()).isEqualTo(3);

        MockProducer<String, ModelVersion> producer =
                new MockProducer<>(true, null, new StringSerializer(), (topic, v) -> new byte[0]);
        VersionOperations operations = new VersionOperations(store, new VersionPublisher(producer, "versions"));
        assertThat(operations.history("target"))
                .extracting(
                        VersionOperations.Entry::version,
                        VersionOperations.Entry::status,
                        VersionOperations.Entry::current)
                .containsExactly(
                        tuple(1L, "PUBLISHED", false), tuple(2L, "REJECTED", false), tuple(3L, "PUBLISHED", true));
        assertThat(operations.history("target").get(1).reasons())
                .containsExactly("eval/task_reward 0.1 is worse than the published 0.5");

        assertThat(operations.rollback("target", "answers got longer")).isEqualTo(1);
        assertThat(store.current("target").orElseThrow().manifest().version()).isEqualTo(1);
        assertThat(producer.history())
                .extracting(r -> r.value().getVersion(), r -> r.value().getStatus())
                .containsExactly(tuple(3L, ModelVersionStatus.ROLLED_BACK), tuple(1L, ModelVersionStatus.PUBLISHED));
        assertThat(producer.history().get(0).value().getStatusReasons()).containsExactly("answers got longer");
        assertThat(operations.history("target").get(2).status()).isEqualTo("ROLLED_BACK");
        assertThatThrownBy(() -> operations.rollback("target", "again"))
                .hasMessageContaining("nothing to roll back to");
        assertThatThrownBy(() -> operations.promote("target", 2, "x")).hasMessageContaining("not in the store");

        operations.promote("target", 3, "fixed the length check");
        assertThat(store.current("target").orElseThrow().manifest().version()).isEqualTo(3);
        assertThat(store.isRolledBack("target", 3)).isFalse();
        assertThat(producer.history().get(2).value().getStatus()).isEqualTo(ModelVersionStatus.PUBLISHED);
        assertThat(producer.history().get(2).value().getArtifactSha256())
                .isEqualTo(store.current("target").orElseThrow().manifestSha256());

        Files.writeString(dir.resolve("store/target/v1/config.json"), "{}");
        assertThatThrownBy(() -> operations.promote("target", 1, "x")).hasMessageContaining("fails its SHA-256 check");
    }

    private static ModelStore.Manifest manifest(long version, Long parent, double taskReward) {
        return new ModelStore.Manifest(
                "target",
                version,
                parent,
                version * 10,
                version * 80,
                Map.of(new TopicPartition("prefs", 0), version * 80),
                Map.of("eval/task_reward", taskReward),
                Map.of());
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
