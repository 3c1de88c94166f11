package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

/**
 * A parity file as {@code make_golden.py} writes it ({@code input_ids}, {@code attention_mask},
 * {@code logits}, and optionally {@code response_mask}, {@code response_logps}): the input a model
 * is run on and the logits transformers computed for it.
 */
public record ExpectedLogits(Map<String, Tensor> tensors) {

    public static ExpectedLogits read(Path file) throws IOException {
        return new ExpectedLogits(SafeTensors.read(file).tensors());
    }

    /** An integer tensor of the file ({@code input_ids}, {@code attention_mask}, {@code response_mask}) as an array. */
    public NDArray longs(NDManager manager, String name) {
        Tensor tensor = tensors.get(name);
        long[] values = new long[(int) tensor.elements()];
        tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        return manager.create(values, new Shape(tensor.shape()));
    }

    /** The model's logits (B, T, V) for the file's input ids and attention mask. */
    public NDArray logitsOf(CausalLanguageModel model, NDManager manager) {
        return model.forward(
                        new ParameterStore(manager, false),
                        new NDList(longs(manager, "input_ids"), longs(manager, "attention_mask")),
                        false)
                .singletonOrThrow();
    }

    /**
     * Max |logit difference| over real positions. A padding query sees no key at all; neither
     * side's value there is used, so only real positions count.
     */
    public double maxDifference(NDArray logits) {
        float[] ours = logits.toFloatArray();
        float[] theirs = tensors.get("logits").toFloats();
        long[] mask = longs(logits.getManager(), "attention_mask").toLongArray();
        int vocab = (int) logits.getShape().get(2);
        double worst = 0;
        for (int position = 0; position < mask.length; position++) {
            for (int v = 0; mask[position] == 1 && v < vocab; v++) {
                int i = position * vocab + v;
                worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
            }
        }
        return worst;
    }
}
