package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.data.WrpoExample;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The (prompt, y_ws) pairs the SFT stage trained on lately. The stream processors emit several
 * samples per prompt, one per pair of target answers, and re-emit a prompt's samples as its
 * feedback grows (1.8 samples per prompt in the demo), all with the same y_ws: SFT would learn
 * the same answer twice in a row. A pair seen within the last {@code capacity} is consumed
 * without training, like a held-out sample. Off (capacity 0) by default: the exactly-once audit
 * counts every sample as trained.
 */
final class RecentAnswers {

    private final int capacity;
    private final Map<String, Boolean> recent;

    RecentAnswers(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("--sft-dedupe-window must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > RecentAnswers.this.capacity;
            }
        };
    }

    /** True the first time within the window (always true when off); remembers the pair. */
    boolean firstSeen(WrpoExample example) {
        if (capacity == 0) {
            return true;
        }
        return recent.put(example.prompt() + "\u0000" + example.sourceChosen(), Boolean.TRUE) == null;
    }
}
