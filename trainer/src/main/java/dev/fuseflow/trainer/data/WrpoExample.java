package dev.fuseflow.trainer.data;

import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.PreferenceSample;
import java.util.ArrayList;
import java.util.List;

/**
 * One WRPO training example: prompt x, the source model's chosen response y_ws, the target's
 * chosen response y_wt, the target's rejected response y_l, and the sample weight w.
 *
 * @param sampleId one per sample (the stream's is a digest of its evidence)
 * @param promptId the asked prompt the sample was built for: the stream emits several samples per
 *     asked prompt, and again as its feedback grows, all with its id
 */
public record WrpoExample(
        String sampleId,
        String promptId,
        List<ChatMessage> prompt,
        String sourceChosen,
        String targetChosen,
        String rejected,
        double weight) {

    /** The example a stream's sample carries (texts only; its evidence stays in the topic). */
    public static WrpoExample of(PreferenceSample s) {
        return new WrpoExample(
                s.getSampleId(),
                s.getPromptId(),
                new ArrayList<>(s.getPrompt()),
                s.getSourceChosen().getText(),
                s.getTargetChosen().getText(),
                s.getTargetRejected().getText(),
                s.getWeight());
    }
}
