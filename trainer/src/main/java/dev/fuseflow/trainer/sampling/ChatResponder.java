package dev.fuseflow.trainer.sampling;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.schemas.avro.ChatMessage;
import dev.fuseflow.schemas.avro.ChatRole;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers user prompts with a model, as an app serving it would: each prompt through the chat
 * template, generation until the end-of-turn token, the answer decoded without it. Prompts go to
 * the model in batches of {@code batchSize}.
 */
public final class ChatResponder {

    private static final long PAD_ID = 0;

    private final PromptResponseEncoder encoder;
    private final int batchSize;

    public ChatResponder(PromptResponseEncoder encoder, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.encoder = encoder;
        this.batchSize = batchSize;
    }

    /** One answer per user prompt, in order. */
    public List<String> answer(
            CausalLanguageModel model, NDManager manager, List<String> userPrompts, SamplingConfig sampling) {
        long endOfTurn = encoder.endOfTurnId();
        BatchGenerator generator = new BatchGenerator(model, PAD_ID, endOfTurn);
        List<String> answers = new ArrayList<>(userPrompts.size());
        for (int from = 0; from < userPrompts.size(); from += batchSize) {
            List<long[]> prompts = userPrompts.subList(from, Math.min(from + batchSize, userPrompts.size())).stream()
                    .map(text -> encoder.promptIds(List.of(new ChatMessage(ChatRole.USER, text))))
                    .toList();
            // Each batch its own seed, so that a prompt's answer does not depend on the batch size's split.
            SamplingConfig batchSampling = new SamplingConfig(
                    sampling.temperature(),
                    sampling.topK(),
                    sampling.topP(),
                    sampling.maxNewTokens(),
                    sampling.seed() + from);
            for (long[] generated : generator.generate(manager, prompts, batchSampling)) {
                int length = generated.length > 0 && generated[generated.length - 1] == endOfTurn
                        ? generated.length - 1
                        : generated.length;
                answers.add(encoder.decodeText(Arrays.copyOf(generated, length)));
            }
        }
        return answers;
    }
}
