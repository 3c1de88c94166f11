package dev.fuseflow.trainer.offline;

import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.training.Objective;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The paper's two data sets from one file: a seeded shuffle, then the first share of the samples
 * (one per prompt) trains SFT on y_ws and the rest trains the preference stage, so no prompt serves
 * both. Each epoch's order is a pure function of (seed, epoch): a resumed run sees the same batches.
 */
public record DataSplit(List<WrpoExample> sft, List<WrpoExample> preference) {

    public static DataSplit of(List<WrpoExample> examples, double sftFraction, Objective objective, long seed) {
        List<WrpoExample> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, new Random(seed));
        int sftSize = objective == Objective.SFT ? shuffled.size() : (int) Math.round(shuffled.size() * sftFraction);
        return new DataSplit(
                List.copyOf(shuffled.subList(0, sftSize)), List.copyOf(shuffled.subList(sftSize, shuffled.size())));
    }

    /** The micro-batches of one epoch, in that epoch's order; the last one may be smaller. */
    public static List<List<WrpoExample>> microBatches(List<WrpoExample> examples, long seed, int epoch, int size) {
        List<WrpoExample> order = new ArrayList<>(examples);
        Collections.shuffle(order, new Random(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))));
        List<List<WrpoExample>> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += size) {
            batches.add(List.copyOf(order.subList(from, Math.min(order.size(), from + size))));
        }
        return batches;
    }

    /** Optimizer updates a stage makes: per epoch one per {@code accumulation} micro-batches, a short last cycle included. */
    public static long updates(int examples, int microBatchSize, int accumulation, int epochs) {
        long microBatches = (examples + microBatchSize - 1) / microBatchSize;
        return epochs * ((microBatches + accumulation - 1) / accumulation);
    }
}
