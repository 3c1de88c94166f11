package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.training.Cursor;
import dev.fuseflow.trainer.training.FedSample;
import dev.fuseflow.trainer.training.FeedPosition;
import dev.fuseflow.trainer.training.MicroBatch;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.SampleFeed;
import dev.fuseflow.trainer.training.Stage;
import java.util.List;
import java.util.Optional;

/**
 * A file's samples as the training core reads them: the SFT share over its epochs, then the
 * preference share over its epochs, each epoch in the order {@link DataSplit#microBatches} gives
 * for the seed, so that a resumed run reads the same micro-batches from its checkpoint on.
 */
final class FileFeed implements SampleFeed {

    private final DataSplit split;
    private final int sftEpochs;
    private final int epochs;
    private final int microBatchSize;
    private final long seed;
    private Stage reading;
    private int epoch;
    private int nextMicroBatch;
    private List<List<WrpoExample>> epochBatches;

    /** Reads on from where {@code from} stands. */
    FileFeed(DataSplit split, int sftEpochs, int epochs, int microBatchSize, long seed, RunState from) {
        this.split = split;
        this.sftEpochs = sftEpochs;
        this.epochs = epochs;
        this.microBatchSize = microBatchSize;
        this.seed = seed;
        this.reading = from.stage();
        this.epoch = from.position().epoch();
        this.nextMicroBatch = from.position().nextMicroBatch();
    }

    @Override
    public Optional<MicroBatch> next(Stage stage, FeedPosition trained) {
        if (stage != reading) {
            reading = stage;
            epoch = 0;
            nextMicroBatch = 0;
            epochBatches = null;
        }
        List<WrpoExample> examples = stage == Stage.SFT ? split.sft() : split.preference();
        int stageEpochs = stage == Stage.SFT ? sftEpochs : epochs;
        while (epoch < stageEpochs) {
            if (epochBatches == null) {
                epochBatches = DataSplit.microBatches(examples, seed, epoch, microBatchSize);
            }
            if (nextMicroBatch < epochBatches.size()) {
                break;
            }
            epoch++;
            nextMicroBatch = 0;
            epochBatches = null;
        }
        if (epoch >= stageEpochs) {
            return Optional.empty();
        }
        int index = nextMicroBatch++;
        boolean lastOfEpoch = index + 1 == epochBatches.size();
        List<FedSample> samples = epochBatches.get(index).stream()
                .map(example -> FedSample.of(example, 0))
                .toList();
        return Optional.of(new MicroBatch(
                samples, new Cursor.InFile(epoch, index + 1), lastOfEpoch, lastOfEpoch && epoch == stageEpochs - 1));
    }

    @Override
    public void close() {}
}
