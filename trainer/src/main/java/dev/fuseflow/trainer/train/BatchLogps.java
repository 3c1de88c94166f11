package dev.fuseflow.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.objective.PreferenceLogps;
import dev.fuseflow.trainer.objective.ResponseLogps;

/** logp(y_ws), logp(y_wt) and logp(y_l) of a batch under one model, for training and for evaluation. */
public final class BatchLogps {

    private BatchLogps() {}

    /**
     * @param training true for the policy in a gradient collector; false (reference, evaluation)
     *                 gives values cut from the graph
     */
    public static PreferenceLogps of(
            Block model, ParameterStore store, PreferenceBatch batch, NDManager step, boolean training) {
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

    /** A PyTorch-owned copy of a Java-backed array (a native zero plus it), in the same manager. */
    private static NDArray owned(NDManager manager, NDArray javaBacked) {
        return manager.zeros(javaBacked.getShape(), javaBacked.getDataType()).add(javaBacked);
    }
}
