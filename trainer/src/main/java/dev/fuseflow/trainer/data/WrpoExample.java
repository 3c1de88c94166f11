package dev.fuseflow.trainer.data;

import dev.fuseflow.schemas.avro.ChatMessage;
import java.util.List;

/**
 * One WRPO training example: prompt x, the source model's chosen response y_ws, the target's
 * chosen response y_wt, the target's rejected response y_l, and the sample weight w.
 */
public record WrpoExample(
        String sampleId,
        List<ChatMessage> prompt,
        String sourceChosen,
        String targetChosen,
        String rejected,
        double weight) {}
