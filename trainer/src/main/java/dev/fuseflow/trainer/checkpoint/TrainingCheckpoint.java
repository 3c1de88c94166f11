package dev.fuseflow.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.model.TensorTransfer;
import dev.fuseflow.trainer.train.OptimizerStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        // Chunk by chunk: an embedding's moments can exceed what one Java array holds.
        TensorTransfer.writeFloat32(folder.resolve(OPTIMIZER_FILE), step.checkpointArrays(), step.checkpointMetadata());
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
