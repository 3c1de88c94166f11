package dev.fuseflow.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterServer;
import dev.fuseflow.trainer.model.Scalar;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DJL's multi-device training hook ({@link ai.djl.training.ParameterStore#setParameterServer})
 * with FuseFlow's update: DJL keeps a mirror of every parameter on each device and, in
 * {@code updateAllParameters()}, hands this server the mirrors; here their gradients are summed
 * into the first device's (the parameter itself), the other mirrors' gradients zeroed, and no
 * optimizer runs: {@link GuardedUpdate} updates the parameter (finite check, clipping, loss scale,
 * AdamW, float32 masters) as on one device. {@link #broadcast} then copies the new values to the
 * mirrors. DJL's own LocalParameterServer would run an optimizer per mirror instead.
 */
final class MirrorGradients implements ParameterServer {

    private final Map<String, NDArray[]> mirrors = new LinkedHashMap<>();

    @Override
    public void init(String parameterId, NDArray[] value) {
        // Nothing to set up: the mirrors arrive with each update.
    }

    @Override
    public void update(String parameterId, NDArray[] grads, NDArray[] params) {
        mirrors.put(parameterId, params);
        Device first = params[0].getDevice();
        for (int i = 1; i < grads.length; i++) {
            try (NDArray copy = grads[i].toDevice(first, true)) {
                grads[0].addi(copy);
            }
            // In place: gradients add up until cleared (and see GuardedUpdate on why not copyTo).
            grads[i].set(new NDIndex("..."), Scalar.constant(grads[i], 0));
        }
    }

    /** After an applied update: every mirror takes the first device's new values. */
    void broadcast() {
        for (NDArray[] params : mirrors.values()) {
            for (int i = 1; i < params.length; i++) {
                try (NDArray copy = params[0].toDevice(params[i].getDevice(), true)) {
                    params[i].set(new NDIndex("..."), copy);
                }
            }
        }
    }

    @Override
    public void close() {
        mirrors.clear();
    }
}
