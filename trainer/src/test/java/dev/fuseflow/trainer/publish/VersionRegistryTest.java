package dev.fuseflow.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.trainer.model.FreshModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model store as a registry: aliases, tags, provenance in every record, and retention. */
class VersionRegistryTest {

    private static final Provenance PROVENANCE =
            new Provenance("/models/qwen-0.5b", Map.of("lr", "3.0E-7", "beta", "10.0"), "fuseflow 0.1.0-SNAPSHOT");

    @TempDir
    Path dir;

    private ModelStore store;
    private VersionLabels labels;
    private Path model;

    @BeforeEach
    void store() throws IOException {
        model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 1);
        store = new ModelStore(dir.resolve("store"));
        labels = new VersionLabels(store);
    }

    private void publish(long version) throws IOException {
        store.publish(
                this::copyModel,
                new ModelStore.Manifest(
                        "target",
                        version,
                        version == 1 ? null : version - 1,
                        version * 10,
                        version * 80,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        PROVENANCE));
    }

    private void copyModel(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(model)) {
            for (Path file : files.toList()) {
                Files.copy(file, folder.resolve(file.getFileName().toString()));
            }
        }
    }

    @Test
    void aliasesPointAtStoredVersionsBesideCurrentAndMoveWhenSetAgain() throws Exception {
        publish(1);
        publish(2);
        labels.setAlias("target", "champion", 1);
        labels.setAlias("target", "canary", 2);
        assertThat(labels.aliases("target")).containsExactly(Map.entry("canary", 2L), Map.entry("champion", 1L));
        assertThat(store.current("target").orElseThrow().manifest().version())
                .as("an alias does not change what is served")
                .isEqualTo(2);
        labels.setAlias("target", "champion", 2);
        assertThat(labels.resolve("target", "champion")).contains(2L);
        assertThat(labels.of("target", 2).aliases()).containsExactly("canary", "champion");
        assertThat(labels.removeAlias("target", "canary")).isTrue();
        assertThat(labels.removeAlias("target", "canary")).isFalse();
        assertThat(labels.aliases("target")).containsOnlyKeys("champion");

        assertThatThrownBy(() -> labels.setAlias("target", "champion", 7))
                .hasMessageContaining("version 7 of target is not in the store");
        assertThatThrownBy(() -> labels.setAlias("target", "Champion!", 1))
                .hasMessageStartingWith("alias 'Champion!' must be 1 to 63 lower-case letters");
        assertThatThrownBy(() -> labels.setAlias("target", "current", 1)).hasMessageContaining("not 'current'");
    }

    @Test
    void tagsAreSetAndRemovedBesideTheImmutableVersionFolder() throws Exception {
        publish(1);
        String manifestSha = store.current("target").orElseThrow().manifestSha256();
        assertThat(labels.tag("target", 1, Map.of("dataset", "ultrafeedback-2026-12", "reviewed-by", "ana"), Set.of()))
                .containsExactly(Map.entry("dataset", "ultrafeedback-2026-12"), Map.entry("reviewed-by", "ana"));
        assertThat(labels.tag("target", 1, Map.of("reviewed-by", "bo"), Set.of("dataset")))
                .containsExactly(Map.entry("reviewed-by", "bo"));
        assertThat(new VersionLabels(new ModelStore(dir.resolve("store"))).tags("target", 1))
                .as("kept on disk")
                .containsExactly(Map.entry("reviewed-by", "bo"));
        assertThat(ModelStore.verify(store.current("target").orElseThrow())).isEmpty();
        assertThat(store.current("target").orElseThrow().manifestSha256())
                .as("the version's identity is unchanged")
                .isEqualTo(manifestSha);
        assertThatThrownBy(() -> labels.tag("target", 1, Map.of("bad key", "x"), Set.of()))
                .hasMessageStartingWith("tag key 'bad key' must be");
        assertThatThrownBy(() -> labels.tag("target", 3, Map.of("a", "b"), Set.of()))
                .hasMessageContaining("version 3 of target is not in the store");
    }

    @Test
    void everyRecordCarriesTheProvenanceOfItsManifestAndTheLabelsOfTheStore() throws Exception {
        publish(1);
        publish(2);
        labels.setAlias("target", "champion", 1);
        labels.tag("target", 1, Map.of("dataset", "uf"), Set.of());
        MockProducer<String, ModelVersion> producer =
                new MockProducer<>(true, null, new StringSerializer(), (topic, v) -> new byte[0]);
        new VersionOperations(store, new VersionPublisher(producer, "versions"))
                .promote("target", 1, "back to champion");
        ModelVersion record = producer.history().get(0).value();
        assertThat(record.getTrainedFrom()).isEqualTo("/models/qwen-0.5b");
        assertThat(record.getHyperparameters()).containsEntry("lr", "3.0E-7").containsEntry("beta", "10.0");
        assertThat(record.getCodeVersion()).isEqualTo("fuseflow 0.1.0-SNAPSHOT");
        assertThat(record.getAliases()).containsExactly("champion");
        assertThat(record.getTags()).containsExactly(Map.entry("dataset", "uf"));
        assertThat(new VersionOperations(store, null).history("target").get(0))
                .extracting(VersionOperations.Entry::aliases, VersionOperations.Entry::tags)
                .containsExactly(List.of("champion"), Map.of("dataset", "uf"));
    }

    @Test
    void aManifestWrittenBeforeProvenanceReadsAsUnknown() throws Exception {
        publish(1);
        Path manifest = dir.resolve("store/target/v1/" + ModelStore.MANIFEST);
        ObjectMapper json = new ObjectMapper();
        ObjectNode written = (ObjectNode) json.readTree(manifest.toFile());
        assertThat(written.path("provenance").path("trainedFrom").asText()).isEqualTo("/models/qwen-0.5b");
        written.remove("provenance");
        json.writeValue(manifest.toFile(), written);
        assertThat(store.versions("target").get(0).manifest().provenance()).isEqualTo(Provenance.UNKNOWN);
    }

    @Test
    void retentionKeepsTheNewestNTheCurrentAndEveryAliasedVersionAndTheDryRunChangesNothing() throws Exception {
        for (long v = 1; v <= 5; v++) {
            publish(v);
        }
        store.recordRejected(
                new ModelStore.Manifest("target", 6, 5L, 60, 480, Map.of(), Map.of(), Map.of()), List.of("worse"));
        store.setCurrent("target", 2);
        labels.setAlias("target", "champion", 1);
        labels.tag("target", 3, Map.of("note", "x"), Set.of());
        store.markRolledBack("target", 3, "too long");

        List<Retention.Decision> plan = Retention.plan(store, "target", 2);
        assertThat(plan)
                .extracting(Retention.Decision::version, Retention.Decision::keep, Retention.Decision::why)
                .containsExactly(
                        tuple(1L, true, "alias champion"),
                        tuple(2L, true, "current"),
                        tuple(3L, false, "older than the newest 2, not current, no alias"),
                        tuple(4L, true, "one of the newest 2"),
                        tuple(5L, true, "one of the newest 2"));
        assertThat(plan.get(2).bytes()).isPositive();
        assertThat(store.versions("target")).as("a plan changes nothing").hasSize(5);

        Retention.prune(store, "target", 2);
        assertThat(store.versions("target"))
                .extracting(s -> s.manifest().version())
                .containsExactly(1L, 2L, 4L, 5L);
        try (Stream<Path> left = Files.list(dir.resolve("store/target"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("the version's folder and side files are gone, nothing half-deleted is left")
                    .doesNotContain("v3", "v3.rolled-back", "v3.tags.json", ".removing-v3");
        }
        assertThat(store.highestVersionNumber("target"))
                .as("numbers are never given out twice")
                .isEqualTo(6);
        assertThat(store.rejected("target")).hasSize(1);
        assertThatThrownBy(() -> Retention.plan(store, "target", 0)).hasMessageStartingWith("--keep must be >= 1");
        assertThatThrownBy(() -> store.remove("target", 2)).hasMessageContaining("is current");
    }
}
