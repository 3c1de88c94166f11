package dev.fuseflow.ops.lag;

/**
 * How far one consumer group is behind on one partition.
 *
 * @param lagRecords  end offset minus committed offset
 * @param lagSeconds  age of the oldest record the group has not consumed (now minus its timestamp);
 *                    0 when the group is caught up, so an idle partition is never "late"
 * @param trendPerMinute change of {@code lagRecords} per minute since the previous look; NaN on the first
 */
public record PartitionLag(
        String group,
        String topic,
        int partition,
        long committed,
        long end,
        long lagRecords,
        double lagSeconds,
        double trendPerMinute) {

    /** "growing", "shrinking" or "steady" by the trend, "new" without one. */
    public String trendWord() {
        if (Double.isNaN(trendPerMinute)) {
            return "new";
        }
        if (trendPerMinute > 0.5) {
            return "growing";
        }
        return trendPerMinute < -0.5 ? "shrinking" : "steady";
    }
}
