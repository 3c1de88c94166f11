package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.eval.CandidateMetric;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What an offline run scores on held-out samples, and how often: every {@code every} updates during training
 * (0: only once, at the end) and the final model, each time the preference metrics and the plug-in metrics.
 *
 * @param data    held-out JSONL; empty: nothing is scored
 * @param every   updates between evaluations during training; 0 for the end only
 * @param plugins plug-in metrics scored besides the preference metrics
 */
public record OfflineEvaluation(Optional<Path> data, long every, List<CandidateMetric> plugins) {

    public OfflineEvaluation {
        plugins = List.copyOf(plugins);
        if (every < 0) {
            throw new IllegalArgumentException("--eval-every must be >= 0 updates (0: only at the end), got " + every);
        }
        if (every > 0 && data.isEmpty()) {
            throw new IllegalArgumentException("--eval-every " + every + " needs --eval-data, the samples to score");
        }
    }

    /** Nothing scored. */
    public static OfflineEvaluation none() {
        return new OfflineEvaluation(Optional.empty(), 0, List.of());
    }
}
