package dev.fuseflow.trainer.publish;

import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an operator does to a model's versions, on the store and the model-versions topic
 * together. Consumers follow one rule: the newest PUBLISHED record of a model is the version to
 * serve. A promotion therefore re-announces the promoted version as PUBLISHED, and a rollback
 * writes ROLLED_BACK for the current version and re-announces the version before it, both in one
 * transaction.
 */
public final class VersionOperations {

    /** One row of the version history (ten columns: the listing's, one each). */
    @SuppressWarnings("checkstyle:RecordComponentNumber")
    public record Entry(
            long version,
            String status,
            boolean current,
            List<String> aliases,
            Map<String, String> tags,
            Long parentVersion,
            long trainerStep,
            long samplesTrained,
            Map<String, Double> metrics,
            List<String> reasons) {}

    private final ModelStore store;
    private final VersionPublisher versions;

    /** @param versions where records go; null for read-only use ({@link #history}) */
    public VersionOperations(ModelStore store, VersionPublisher versions) {
        this.store = store;
        this.versions = versions;
    }

    /** Every version number given out, oldest first: published ones (current, rolled back) and rejected candidates. */
    public List<Entry> history(String model) throws IOException {
        long current = store.current(model).map(s -> s.manifest().version()).orElse(-1L);
        VersionLabels labels = new VersionLabels(store);
        List<Entry> entries = new ArrayList<>();
        for (ModelStore.Stored stored : store.versions(model)) {
            ModelStore.Manifest m = stored.manifest();
            boolean rolledBack = store.isRolledBack(model, m.version());
            VersionLabels.Labels labelled = labels.of(model, m.version());
            entries.add(new Entry(
                    m.version(),
                    rolledBack ? "ROLLED_BACK" : "PUBLISHED",
                    m.version() == current,
                    labelled.aliases(),
                    labelled.tags(),
                    m.parentVersion(),
                    m.trainerStep(),
                    m.samplesTrained(),
                    m.metrics(),
                    rolledBack ? List.of(store.rolledBackReason(model, m.version())) : List.of()));
        }
        for (ModelStore.Rejected refused : store.rejected(model)) {
            ModelStore.Manifest m = refused.manifest();
            entries.add(new Entry(
                    m.version(),
                    "REJECTED",
                    false,
                    List.of(),
                    Map.of(),
                    m.parentVersion(),
                    m.trainerStep(),
                    m.samplesTrained(),
                    m.metrics(),
                    refused.reasons()));
        }
        entries.sort(Comparator.comparingLong(Entry::version));
        return entries;
    }

    /** Makes a stored version current again (after checking its files), and announces it. */
    public ModelVersion promote(String model, long version, String note) throws IOException {
        ModelStore.Stored stored = requireStored(store, model, version);
        List<String> damaged = ModelStore.verify(stored);
        if (!damaged.isEmpty()) {
            throw new IllegalStateException("version " + version + " of " + model + " fails its SHA-256 check in "
                    + damaged + "; refusing to promote it");
        }
        store.clearRolledBack(model, version);
        store.setCurrent(model, version);
        ModelVersion record =
                announce(store, model, stored, ModelVersionStatus.PUBLISHED, "promoted by an operator: " + note);
        versions.writeAll(List.of(record));
        return record;
    }

    /**
     * Rolls the current version back: it is marked ROLLED_BACK and the newest earlier version that is
     * not rolled back becomes current.
     *
     * @return the version now current
     */
    public long rollback(String model, String note) throws IOException {
        ModelStore.Stored current = store.current(model)
                .orElseThrow(
                        () -> new IllegalStateException("model " + model + " has no published version to roll back"));
        long from = current.manifest().version();
        Optional<ModelStore.Stored> previous = store.versions(model).stream()
                .filter(s -> s.manifest().version() < from
                        && !store.isRolledBack(model, s.manifest().version()))
                .reduce((older, newer) -> newer);
        if (previous.isEmpty()) {
            throw new IllegalStateException(
                    "version " + from + " of " + model + " is the oldest one not rolled back; there is"
                            + " nothing to roll back to (promote a version instead)");
        }
        long to = previous.get().manifest().version();
        store.markRolledBack(model, from, note);
        store.setCurrent(model, to);
        versions.writeAll(List.of(
                announce(store, model, current, ModelVersionStatus.ROLLED_BACK, note),
                announce(
                        store,
                        model,
                        previous.get(),
                        ModelVersionStatus.PUBLISHED,
                        "current again: version " + from + " was rolled back")));
        return to;
    }

    /** The stored version, or an error that says only published versions have weights. */
    public static ModelStore.Stored requireStored(ModelStore store, String model, long version) throws IOException {
        return store.versions(model).stream()
                .filter(s -> s.manifest().version() == version)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("version " + version + " of " + model
                        + " is not in the store (only published versions have weights; see 'versions list')"));
    }

    private static ModelVersion announce(
            ModelStore store, String model, ModelStore.Stored stored, ModelVersionStatus status, String reason)
            throws IOException {
        return VersionPublisher.record(
                stored.manifest(),
                stored.folder().toUri().toString(),
                stored.manifestSha256(),
                Artifact.of(stored.folder()),
                status,
                List.of(reason),
                new VersionLabels(store).of(model, stored.manifest().version()));
    }
}
