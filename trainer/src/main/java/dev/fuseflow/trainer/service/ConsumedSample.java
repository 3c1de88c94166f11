package dev.fuseflow.trainer.service;

import dev.fuseflow.trainer.data.WrpoExample;
import org.apache.kafka.common.TopicPartition;

/**
 * A preference sample as training sees it, with where it came from (the offset to resume after it)
 * and its record time; {@code example} is null for a poisoned record, already dead-lettered, that
 * only moves the offsets on.
 */
record ConsumedSample(WrpoExample example, TopicPartition partition, long offset, long timestampMillis) {

    /** The offset a consumer resumes at once this sample is trained. */
    long nextOffset() {
        return offset + 1;
    }
}
