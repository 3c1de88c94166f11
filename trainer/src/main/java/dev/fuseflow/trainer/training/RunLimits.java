package dev.fuseflow.trainer.training;

import java.time.Duration;

/**
 * When a run stops besides the end of its plan and {@link TrainingLoop#stop()}: after
 * {@code maxUpdates} updates in this run, or when no sample arrived for {@code idle}.
 */
public record RunLimits(long maxUpdates, Duration idle) {

    public static final RunLimits NONE = new RunLimits(Long.MAX_VALUE, Duration.ofDays(36_500));

    public RunLimits {
        Checks.require(
                maxUpdates >= 0 && idle != null && !idle.isNegative(),
                "run limits need max updates >= 0 and an idle time >= 0");
    }
}
