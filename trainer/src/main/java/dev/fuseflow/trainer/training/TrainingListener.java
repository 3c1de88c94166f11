package dev.fuseflow.trainer.training;

import java.nio.file.Path;

/** What the training core tells its entry point as it runs: metrics, logs, the CSV and the progress bar listen here. */
public interface TrainingListener {

    /** A micro-batch trained; {@code after} is the run's state after it. */
    default void trained(RunState after, StepReport report) {}

    /** Samples waiting behind the feed, before each micro-batch. */
    default void lag(long records) {}

    /** A checkpoint of {@code bytes} became durable in {@code nanos}. */
    default void checkpointed(Path checkpoint, long nanos, long bytes) {}

    /** A stage began (after the previous one's checkpoint). */
    default void stageStarted(RunState state) {}

    /** A candidate was judged. */
    default void published(Publication.Outcome outcome) {}
}
