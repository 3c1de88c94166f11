package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.nio.file.Path;

/** The parity goldens' tiny models as trainable float32 models, and the comparisons gradient tests make. */
public final class TrainableGoldens {

    private TrainableGoldens() {}

    /** {@code src/test/resources/golden/NAME}, loaded in float32 with every parameter collecting gradients. */
    public static CausalLanguageModel load(String name, NDManager manager) throws Exception {
        Path folder =
                Path.of(TrainableGoldens.class.getResource("/golden/" + name).toURI());
        CausalLanguageModel model = ModelDirectory.load(folder, manager, DataType.FLOAT32);
        for (Parameter parameter : model.getParameters().values()) {
            parameter.getArray().setRequiresGradient(true);
        }
        return model;
    }

    /** The largest |difference| between {@code a} and {@code b} over the larger of their largest |value| and {@code floor}. */
    public static float relativeDifference(float[] a, float[] b, float floor) {
        float difference = 0;
        float scale = floor;
        for (int i = 0; i < a.length; i++) {
            difference = Math.max(difference, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return difference / scale;
    }

    /** The largest |value|. */
    public static float maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
