package dev.fuseflow.streams.scoring;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.PairwiseChoice;
import java.util.List;

/** Which responses a feedback event is about: both of a pairwise choice, else the one it judges. */
public final class NamedResponses {

    private NamedResponses() {}

    /** The generation ids the feedback names, the preferred one first for a pairwise choice. */
    public static List<String> of(FeedbackEvent feedback) {
        return feedback.getSignal() instanceof PairwiseChoice choice
                ? List.of(choice.getPreferredGenerationId(), choice.getOtherGenerationId())
                : List.of(feedback.getGenerationId());
    }
}
