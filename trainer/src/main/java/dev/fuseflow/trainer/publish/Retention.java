package dev.fuseflow.trainer.publish;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The model store's retention policy: keep the newest {@code keep} stored versions, the current
 * one and every version an alias points at; remove the weights of the others. Rejected candidates
 * (a small record each, no weights) are kept, so that no version number is given out twice.
 */
public final class Retention {

    /**
     * What the policy does with one stored version.
     *
     * @param version the version
     * @param keep    whether it stays
     * @param why     the rule that keeps it, or why it goes
     * @param bytes   the size of its files
     */
    public record Decision(long version, boolean keep, String why, long bytes) {}

    private Retention() {}

    /** What {@link #prune} would do, oldest first, changing nothing (the dry run). */
    public static List<Decision> plan(ModelStore store, String model, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("--keep must be >= 1 (the newest version always stays), got " + keep);
        }
        List<ModelStore.Stored> versions = store.versions(model);
        long current = store.current(model).map(s -> s.manifest().version()).orElse(-1L);
        SortedMap<String, Long> aliases = new VersionLabels(store).aliases(model);
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            ModelStore.Stored stored = versions.get(i);
            long version = stored.manifest().version();
            List<String> reasons = new ArrayList<>();
            if (i >= versions.size() - keep) {
                reasons.add("one of the newest " + keep);
            }
            if (version == current) {
                reasons.add("current");
            }
            for (Map.Entry<String, Long> alias : aliases.entrySet()) {
                if (alias.getValue() == version) {
                    reasons.add("alias " + alias.getKey());
                }
            }
            boolean stays = !reasons.isEmpty();
            decisions.add(new Decision(
                    version,
                    stays,
                    stays ? String.join(", ", reasons) : "older than the newest " + keep + ", not current, no alias",
                    ModelStore.size(stored)));
        }
        return decisions;
    }

    /** Applies the policy: removes every version {@link #plan} does not keep; returns the plan it carried out. */
    public static List<Decision> prune(ModelStore store, String model, int keep) throws IOException {
        List<Decision> decisions = plan(store, model, keep);
        for (Decision decision : decisions) {
            if (!decision.keep()) {
                store.remove(model, decision.version());
            }
        }
        return decisions;
    }
}
