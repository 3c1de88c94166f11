package dev.fuseflow.streams.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the sweep needs to know about each prompt of a task, kept in memory so that a sweep
 * decodes only the prompts it must act on instead of the whole store: when the prompt last had
 * an event and when its oldest unresolved feedback arrived. Rebuilt from the store when the task
 * starts; the store stays the truth.
 */
final class PromptIndex {

    private record Entry(long lastActivityMs, long oldestUnresolvedMs) {}

    private final Map<String, Entry> entries = new HashMap<>();

    void clear() {
        entries.clear();
    }

    /** @param oldestUnresolvedMs arrival of the oldest feedback naming a missing response, Long.MAX_VALUE if none */
    void update(String promptId, long lastActivityMs, long oldestUnresolvedMs) {
        entries.put(promptId, new Entry(lastActivityMs, oldestUnresolvedMs));
    }

    boolean contains(String promptId) {
        return entries.containsKey(promptId);
    }

    void remove(String promptId) {
        entries.remove(promptId);
    }

    Set<String> all() {
        return Set.copyOf(entries.keySet());
    }

    /** Prompts idle since before {@code idleBefore} or with unresolved feedback older than {@code unresolvedBefore}. */
    List<String> due(long idleBefore, long unresolvedBefore) {
        List<String> due = new ArrayList<>();
        entries.forEach((promptId, e) -> {
            if (e.lastActivityMs() < idleBefore || e.oldestUnresolvedMs() < unresolvedBefore) {
                due.add(promptId);
            }
        });
        return due;
    }
}
