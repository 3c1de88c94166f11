package dev.fuseflow.trainer.publish;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a version comes from, kept in its manifest and announced in its ModelVersion record: the
 * model its lineage started from, the training settings, and the FuseFlow build.
 *
 * @param trainedFrom     the trainer's starting model (a folder or a hub id); null when unknown
 * @param hyperparameters training settings by option name without dashes ({@code lr}, {@code beta}); empty when unknown
 * @param codeVersion     the FuseFlow build, e.g. {@code fuseflow 0.1.0-SNAPSHOT}; null when unknown
 */
public record Provenance(String trainedFrom, Map<String, String> hyperparameters, String codeVersion) {

    /** What a manifest written before provenance was recorded says. */
    public static final Provenance UNKNOWN = new Provenance(null, Map.of(), null);

    public Provenance {
        hyperparameters =
                hyperparameters == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(hyperparameters));
    }
}
