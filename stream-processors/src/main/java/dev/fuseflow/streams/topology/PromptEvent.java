package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import java.util.Map;
import java.util.function.Function;

/**
 * What the aggregator receives: one prompt's validated generation or feedback, with its Avro body
 * when the prompt state can keep those bytes as they are, else null (see {@link Received}).
 */
sealed interface PromptEvent permits PromptEvent.Generation, PromptEvent.Feedback {

    String GENERATION = "generation";
    String FEEDBACK = "feedback";

    /** {@value #GENERATION} or {@value #FEEDBACK}, as meters and messages name the event. */
    String kind();

    byte[] body();

    /** One meter per kind of event, made by {@code meter} from the kind. */
    static <M> Map<String, M> perKind(Function<String, M> meter) {
        return Map.of(GENERATION, meter.apply(GENERATION), FEEDBACK, meter.apply(FEEDBACK));
    }

    record Generation(GenerationEvent event, byte[] body) implements PromptEvent {
        @Override
        public String kind() {
            return GENERATION;
        }
    }

    record Feedback(FeedbackEvent event, byte[] body) implements PromptEvent {
        @Override
        public String kind() {
            return FEEDBACK;
        }
    }
}
