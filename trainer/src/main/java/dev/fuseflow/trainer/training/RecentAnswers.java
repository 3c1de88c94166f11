package dev.fuseflow.trainer.training;

import dev.fuseflow.trainer.data.WrpoExample;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The (asked prompt, y_ws) pairs the SFT stage trained on lately. The stream processors emit
 * several samples per asked prompt, one per pair of target answers, and re-emit them as its
 * feedback grows (1.8 samples per prompt in the demo), all with the same prompt id and y_ws: SFT
 * would learn the same answer twice in a row. A pair seen within the last {@code capacity} is
 * consumed without training, like a held-out sample. Keyed on the prompt's id, not its text: a
 * prompt asked again later (the demo's add skill has only ~350 training prompts) trains again, so
 * a right answer keeps its weight against a source's one-off slips (docs/learning.md, section 5).
 * Off (capacity 0) by default: the exactly-once audit counts every sample as trained.
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
        return recent.put(example.promptId() + "\u0000" + example.sourceChosen(), Boolean.TRUE) == null;
    }
}
