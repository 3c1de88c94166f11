package dev.fuseflow.trainer.training;

import java.util.List;

/**
 * What a feed hands the loop: the samples of one micro-batch (possibly none, when a stream had
 * nothing within its wait), where the feed stands after them, and whether they end an epoch or the
 * stage's data (a file's; a stream never ends).
 */
public record MicroBatch(List<FedSample> samples, Cursor after, boolean lastOfEpoch, boolean lastOfStage) {

    public MicroBatch {
        samples = List.copyOf(samples);
    }
}
