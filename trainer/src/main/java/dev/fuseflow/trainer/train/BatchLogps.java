package dev.fuseflow.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.model.AttentionMasks;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ForwardInputs;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.ResponseLogps;

/**
 * logp(y_ws), logp(y_wt) and logp(y_l) of a batch under one model, for training and for
 * evaluation. The three responses of a sample share its prompt: by default the prompt runs once
 * per sample ({@link SharedPromptRows}), where the model says that gives the same log-probs as
 * three separate rows; otherwise, and on request, each response runs after its own copy.
 */
public final class BatchLogps {

    /** How a batch's sequences go through the model. */
    public enum Layout {
        /** x y_ws, x y_wt and x y_l as three forward passes. */
        SEPARATE,
        /** x y_ws y_wt y_l in one row per sample, where the model packs exactly; else separate. */
        SHARED_PROMPT
    }

    private BatchLogps() {}

    /**
     * @param training true for the policy in a gradient collector; false (reference, evaluation)
     *                 gives values cut from the graph
     */
    public static PreferenceLogps of(
            Block model, ParameterStore store, PreferenceBatch batch, NDManager step, boolean training) {
        return of(model, store, batch, step, training, Layout.SHARED_PROMPT);
    }

    public static PreferenceLogps of(
            Block model, ParameterStore store, PreferenceBatch batch, NDManager step, boolean training, Layout layout) {
        if (layout == Layout.SHARED_PROMPT && model instanceof CausalLanguageModel languageModel) {
            SharedPromptRows rows = SharedPromptRows.of(batch);
            if (languageModel.packsExactly(rows.width(), rows.longestPosition())) {
                return shared(model, store, rows, step, training);
            }
        }
        return new PreferenceLogps(
                sequences(model, store, batch.sourceChosen(), step, training),
                sequences(model, store, batch.targetChosen(), step, training),
                sequences(model, store, batch.rejected(), step, training));
    }

    /**
     * One forward pass in a manager of its own, closed as soon as the log-probs are out: DJL keeps
     * every intermediate array until its manager closes, while PyTorch's graph keeps only what
     * backward needs. The inputs the graph saves (token ids for the embedding's backward) are
     * PyTorch-owned copies, so closing their wrappers frees nothing the graph still reads.
     */
    private static NDArray sequences(
            Block model, ParameterStore store, PreferenceBatch.Sequences sequences, NDManager step, boolean training) {
        try (NDManager pass = step.newSubManager()) {
            NDArray tokens = owned(pass, pass.create(sequences.tokens()));
            NDArray attention = owned(pass, pass.create(sequences.attention()));
            NDArray logits = model.forward(store, new NDList(tokens, attention), training)
                    .singletonOrThrow();
            NDArray logps = ResponseLogps.of(logits, tokens, owned(pass, pass.create(sequences.response())))
                    .logps();
            NDArray result = training ? logps : logps.stopGradient();
            result.attach(step);
            return result;
        }
    }

    /**
     * One forward pass over the packed rows, scoring only the response tokens: the model forms
     * logits for those positions alone (not the prompt's, not padding), and the three responses'
     * sums come from one gather of their scored tokens.
     */
    private static PreferenceLogps shared(
            Block model, ParameterStore store, SharedPromptRows rows, NDManager step, boolean training) {
        try (NDManager pass = step.newSubManager()) {
            SharedPromptRows.ScoredSlots slots = rows.scoredSlots();
            NDArray tokens = owned(pass, pass.create(rows.tokens())); // (B, L)
            NDArray positions = owned(pass, pass.create(rows.positions())); // (B, L)
            NDArray bias = AttentionMasks.packedBias(pass.create(rows.segments()), DataType.FLOAT32); // (B, 1, L, L)
            ForwardInputs.ScoredTokens scored = new ForwardInputs.ScoredTokens(
                    owned(pass, pass.create(slots.rows())), owned(pass, pass.create(slots.targets())));
            NDArray picked = model.forward(
                            store, ForwardInputs.packedScoring(tokens, positions, bias, scored), training)
                    .singletonOrThrow(); // (N)
            NDArray padded = picked.concat(pass.zeros(new Shape(1), picked.getDataType())); // (N + 1), 0 at N
            NDArray sums = padded.take(owned(pass, pass.create(slots.slots())))
                    .sum(new int[] {1})
                    .reshape(SharedPromptRows.RESPONSE_SEGMENTS.length, -1); // (3, B)
            NDArray[] logps = new NDArray[SharedPromptRows.RESPONSE_SEGMENTS.length];
            for (int kind = 0; kind < logps.length; kind++) {
                logps[kind] = training ? sums.get(kind) : sums.get(kind).stopGradient(); // (B)
                logps[kind].attach(step);
            }
            return new PreferenceLogps(logps[0], logps[1], logps[2]);
        }
    }

    /** A PyTorch-owned copy of a Java-backed array (a native zero plus it), in the same manager. */
    private static NDArray owned(NDManager manager, NDArray javaBacked) {
        return manager.zeros(javaBacked.getShape(), javaBacked.getDataType()).add(javaBacked);
    }
}
