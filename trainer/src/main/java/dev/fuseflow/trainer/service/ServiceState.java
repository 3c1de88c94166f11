package dev.fuseflow.trainer.service;

import java.util.List;
import java.util.Map;

/**
 * What a service checkpoint records besides weights and optimizer: the stage, counts, the offset
 * to resume at per partition ("topic-partition" keys), and the ids of the samples trained since the
 * previous checkpoint, which make every checkpoint auditable: across the lineage, each sample id
 * must appear exactly once.
 *
 * @param stage          SFT or WRPO
 * @param stageUpdates   updates done in the stage (drives the alpha ramp)
 * @param sftSamples     samples trained by SFT so far (the stage switches at the configured count)
 * @param offsets        next offset per partition
 * @param trainedSamples sample ids trained since the previous checkpoint, in training order
 * @param parent         the previous checkpoint's folder name, or null
 * @param trainedTotal   samples trained in this lineage (held-out eval samples not counted)
 */
record ServiceState(String stage, long stageUpdates, long sftSamples, Map<String, Long> offsets, List<String> trainedSamples,
                    String parent, long trainedTotal) {

    static final String SFT = "SFT";
    static final String WRPO = "WRPO";

    static ServiceState start() {
        return new ServiceState(SFT, 0, 0, Map.of(), List.of(), null, 0);
    }
}
