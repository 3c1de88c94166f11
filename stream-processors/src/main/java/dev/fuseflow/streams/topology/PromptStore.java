package dev.fuseflow.streams.topology;

import dev.fuseflow.streams.state.PromptState;
import dev.fuseflow.streams.state.StoredFeedback;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The prompt-state store as the aggregator reads and writes it: reads go through the decoded
 * states of the prompts seen last and a {@link PromptIndex} of every prompt the store holds, and
 * writes go to all three. The store stays the truth; the task is its only writer, and cache and
 * index start afresh whenever the task starts.
 */
final class PromptStore {

    /**
     * Decoded states of the prompts seen last: a prompt's events tend to come together, and
     * decoding its whole state for every event was the topology's largest cost.
     * Per task; 10,000 kept so much alive that young collections paused the benchmark for a tenth
     * of its time (1,000: a third of that, same hit rate there).
     */
    private static final int RECENT_PROMPTS = 1_000;

    private final KeyValueStore<String, PromptState> prompts;
    private final PromptIndex index = new PromptIndex();
    private final Map<String, PromptState> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PromptState> eldest) {
            return size() > RECENT_PROMPTS;
        }
    };

    /** After a restore the index is empty: one pass over the store fills it. */
    PromptStore(KeyValueStore<String, PromptState> prompts) {
        this.prompts = prompts;
        try (KeyValueIterator<String, PromptState> all = prompts.all()) {
            all.forEachRemaining(kv -> index(kv.key, kv.value));
        }
    }

    /** The prompt's state; null if the store has none. */
    PromptState get(String promptId) {
        PromptState cached = recent.get(promptId);
        if (cached != null) {
            return cached;
        }
        // The index knows every prompt the store holds, so a new prompt costs no store read.
        if (!index.contains(promptId)) {
            return null;
        }
        PromptState stored = prompts.get(promptId);
        if (stored == null) {
            index.remove(promptId);
        }
        return stored;
    }

    void put(String promptId, PromptState state) {
        prompts.put(promptId, state);
        recent.put(promptId, state);
        index(promptId, state);
    }

    void delete(String promptId) {
        prompts.delete(promptId);
        recent.remove(promptId);
        index.remove(promptId);
    }

    /** Every prompt the store holds. */
    Set<String> promptIds() {
        return index.all();
    }

    /** Prompts idle since before {@code idleBefore} or with unresolved feedback older than {@code unresolvedBefore}. */
    List<String> due(long idleBefore, long unresolvedBefore) {
        return index.due(idleBefore, unresolvedBefore);
    }

    private void index(String promptId, PromptState state) {
        long oldestUnresolved = Long.MAX_VALUE;
        for (StoredFeedback f : state.storedFeedback()) {
            if (f.timestamp() < oldestUnresolved && !state.isResolved(f)) {
                oldestUnresolved = f.timestamp();
            }
        }
        index.update(promptId, state.lastActivityMs(), oldestUnresolved);
    }
}
