package dev.fuseflow.streams.pairing;

import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.streams.scoring.ResponseScore;
import java.util.Comparator;

/** A scored response that may become y_ws, y_wt or y_l. */
public record Candidate(GenerationEvent generation, ResponseScore score) {

    /**
     * Best first: higher reward, then more signals (more evidence), then the smaller generation id,
     * so that ties never depend on arrival order.
     */
    public static final Comparator<Candidate> BEST_FIRST = Comparator.comparingDouble(
                    (Candidate c) -> c.score().reward())
            .reversed()
            .thenComparing(Comparator.comparingInt((Candidate c) -> c.score().signalCount())
                    .reversed())
            .thenComparing(Candidate::generationId);

    /**
     * Worst first: lower reward, then more signals (a well-attested bad answer is the better
     * negative), then the smaller generation id.
     */
    public static final Comparator<Candidate> WORST_FIRST = Comparator.comparingDouble(
                    (Candidate c) -> c.score().reward())
            .thenComparing(Comparator.comparingInt((Candidate c) -> c.score().signalCount())
                    .reversed())
            .thenComparing(Candidate::generationId);

    public String generationId() {
        return generation.getEventId();
    }

    public double reward() {
        return score.reward();
    }
}
