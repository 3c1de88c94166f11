package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Activation checkpointing per decoder layer, as {@code torch.utils.checkpoint} does for Hugging
 * Face's {@code gradient_checkpointing_enable()}: while a scope is open on a thread, training
 * forward passes run each decoder layer without recording its graph and keep only the layer's
 * input; the layer's output comes back as a fresh leaf that collects the gradient the rest of the
 * pass sends it. After the loss's backward, {@link #backward} runs the layers again, last first,
 * each with its graph, and sends each leaf's gradient through it into the weights and on into the
 * layer before. Memory for activations drops from every layer's intermediates to one (B, T, C)
 * input per layer plus one layer's intermediates, for about one more forward pass of compute.
 *
 * <p>Written here because DJL has no checkpoint operation and libtorch's
 * ({@code torch::utils::checkpoint} is Python-only) cannot call back into Java layers. The
 * recomputation must draw what the first pass drew: layers with dropout would not, so the
 * callers refuse checkpointing with dropout.
 */
public final class ActivationCheckpoints implements AutoCloseable {

    private static final ThreadLocal<ActivationCheckpoints> CURRENT = new ThreadLocal<>();

    /** One layer run: its block, its inputs (x first, then masks and rotary tables), the output leaf. */
    private record Segment(Block layer, ParameterStore ps, NDList inputs, NDArray output, boolean training) {}

    private final NDManager manager;
    private final List<Segment> segments = new ArrayList<>();

    private ActivationCheckpoints(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Opens a scope on this thread: training passes until {@link #close} are checkpointed. The kept
     * inputs live in a sub-manager of {@code manager} until the scope closes.
     */
    public static ActivationCheckpoints open(NDManager manager) {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("activation checkpointing is already open on this thread");
        }
        ActivationCheckpoints checkpoints = new ActivationCheckpoints(manager.newSubManager());
        CURRENT.set(checkpoints);
        return checkpoints;
    }

    /** The scope open on this thread, or null. */
    static ActivationCheckpoints current() {
        return CURRENT.get();
    }

    /**
     * Runs {@code layer} on {@code inputs} without recording, keeps the inputs, and returns the
     * output (the first array; a cached layer has more, and is never checkpointed) as a leaf.
     */
    NDList run(Block layer, ParameterStore ps, NDList inputs, boolean training) {
        NDList kept = new NDList();
        for (NDArray input : inputs) {
            input.attach(manager); // the pass's manager closes before the recomputation
            kept.add(input);
        }
        NDArray output;
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(kept); // the layer's intermediates land in the scope and go with it
            output = layer.forward(ps, kept, training).get(0); // (B, T, C)
            output.attach(manager);
        } finally {
            JniUtils.setGradMode(recording);
        }
        output.setRequiresGradient(true);
        segments.add(new Segment(layer, ps, kept, output, training));
        return new NDList(output);
    }

    /**
     * After the backward of everything computed from the layers' outputs: recomputes each layer,
     * last first, with its graph, and sends its output's gradient through it. Gradients add up in
     * the weights as one backward of the whole pass would leave them.
     */
    public void backward() {
        for (int i = segments.size() - 1; i >= 0; i--) {
            // Every layer's output feeds the next layer or the head, so each has its gradient by now.
            Segment segment = segments.get(i);
            try (NDManager scope = manager.newSubManager()) {
                NDArray gradient = segment.output().getGradient(); // (B, T, C)
                gradient.attach(scope);
                NDArray recomputed;
                // The layer's intermediates go with their own manager before the backward, as in
                // DecoderStack: the graph keeps what its backward needs, and DJL's handles would keep
                // every other intermediate (a LoRA layer's base and adapter outputs, the rotary
                // temporaries) through the backward too.
                try (NDManager layerScope = manager.newSubManager()) {
                    layerScope.tempAttachAll(segment.inputs());
                    recomputed = segment.layer()
                            .forward(segment.ps(), segment.inputs(), segment.training())
                            .get(0);
                    recomputed.attach(scope);
                }
                JniUtils.backward((PtNDArray) recomputed, (PtNDArray) gradient, false, false);
            }
            segment.output().close(); // with its gradient: the layer after it is done
        }
        segments.clear();
    }

    /** Layers checkpointed so far in this scope. */
    public int size() {
        return segments.size();
    }

    @Override
    public void close() {
        CURRENT.remove();
        manager.close();
    }
}
