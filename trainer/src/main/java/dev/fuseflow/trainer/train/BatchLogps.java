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

    private BatchLogps() {
    }

    /**
     * @param training true for the policy in a gradient collector; false (reference, evaluation)
     *                 gives values cut from the graph
     */
    public static PreferenceLogps of(Block model, ParameterStore store, PreferenceBatch batch, NDManager step, boolean training) {
        return new PreferenceLogps(sequences(model, store, batch.sourceChosen(), step, training),
                sequences(model, store, batch.targetChosen(), step, training), sequences(model, store, batch.rejected(), step, training));
    }

    private static NDArray sequences(Block model, ParameterStore store, PreferenceBatch.Sequences sequences, NDManager step,
                                     boolean training) {
        NDArray tokens = step.create(sequences.tokens());
        NDArray logits = model.forward(store, new NDList(tokens, step.create(sequences.attention())), training).singletonOrThrow();
        NDArray logps = ResponseLogps.of(logits, tokens, step.create(sequences.response())).logps();
        return training ? logps : logps.stopGradient();
    }
}
