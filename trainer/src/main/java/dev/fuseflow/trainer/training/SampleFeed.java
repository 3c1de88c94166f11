package dev.fuseflow.trainer.training;

import java.util.Optional;

/**
 * Where the training core's samples come from: Kafka micro-batches ({@code serve}) or a file's
 * epochs ({@code train}). The loop asks for the next micro-batch of a stage while the current one
 * trains, so a feed must not depend on the current one having trained.
 */
public interface SampleFeed extends AutoCloseable {

    /**
     * The next micro-batch of {@code stage}; empty once the stage's data is used up (a file). A
     * stream waits at most its maximum wait and may return a micro-batch without samples.
     *
     * @param trained how far training got: where a stream resumes its partitions after a rebalance
     */
    Optional<MicroBatch> next(Stage stage, FeedPosition trained);

    /**
     * False for a micro-batch read before the feed was repositioned (a Kafka rebalance): the loop
     * drops it untrained, and the feed delivers its samples again from the position trained so far.
     */
    default boolean isCurrent(MicroBatch batch) {
        return true;
    }

    /** Called once a checkpoint holding {@code position} is durable (a stream commits its offsets to Kafka then). */
    default void checkpointed(FeedPosition position) {}

    /** Samples waiting behind the feed's position, for the lag gauge; 0 where that means nothing. */
    default long lag() {
        return 0;
    }

    @Override
    void close();
}
