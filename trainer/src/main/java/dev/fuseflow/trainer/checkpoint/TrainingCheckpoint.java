package dev.fuseflow.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.train.OptimizerStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one checkpoint folder holds: the model as a complete Hugging Face folder (so any
 * checkpoint can be served or evaluated as is) or, in a LoRA run, the adapter in PEFT's format,
 * {@code optimizer.safetensors} with AdamW's moments
 * and update count (and in mixed precision the float32 masters and the loss scale), and
 * {@code trainer_state.json} with the run's position.
 */
public final class TrainingCheckpoint {

    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private TrainingCheckpoint() {}

    /** {@code model} writes the model's part: a whole Hugging Face folder, or a LoRA run's adapter. */
    public static void write(Path folder, CheckpointStore.Contents model, OptimizerStep step, Object state)
            throws IOException {
        model.writeTo(folder);
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : step.checkpointArrays().entrySet()) {
            NDArray array = e.getValue();
            // toType to the same type returns a new handle on the same data: closing it frees nothing of the
            // optimizer's.
            try (NDArray floats = array.toType(DataType.FLOAT32, true)) {
                arrays.put(e.getKey(), Tensor.ofFloats(array.getShape().getShape(), floats.toFloatArray()));
            }
        }
        SafeTensors.write(folder.resolve(OPTIMIZER_FILE), arrays, step.checkpointMetadata());
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(folder.resolve(STATE_FILE).toFile(), state);
    }

    /** Puts the saved optimizer state (moments, update count, masters and loss scale) back into {@code step}. */
    public static void restoreOptimizer(Path folder, OptimizerStep step) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(folder.resolve(OPTIMIZER_FILE));
        try {
            step.restore(contents.tensors(), contents.metadata());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(folder.resolve(OPTIMIZER_FILE) + ": " + e.getMessage(), e);
        }
    }

    public static <T> T state(Path folder, Class<T> type) throws IOException {
        Path file = folder.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(folder + " is not a training checkpoint: it has no " + STATE_FILE);
        }
        return JSON.readValue(file.toFile(), type);
    }
}
