package dev.fuseflow.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.optim.AdamW;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one checkpoint folder holds: the model as a complete Hugging Face folder (so any
 * checkpoint can be served or evaluated as is), {@code optimizer.safetensors} with AdamW's moments
 * and update count, and {@code trainer_state.json} with the run's position.
 */
public final class TrainingCheckpoint {

    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";
    private static final String STEP_KEY = "adamw_step";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private TrainingCheckpoint() {
    }

    public static void write(Path folder, CausalLanguageModel model, Path tokenizerSource, AdamW optimizer, Object state)
            throws IOException {
        ModelDirectory.save(model, folder, tokenizerSource);
        Map<String, Tensor> moments = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : optimizer.state().entrySet()) {
            NDArray m = e.getValue();
            try (NDArray floats = m.toType(DataType.FLOAT32, true)) {
                moments.put(e.getKey(), Tensor.ofFloats(m.getShape().getShape(), floats.toFloatArray()));
            }
        }
        SafeTensors.write(folder.resolve(OPTIMIZER_FILE), moments, Map.of(STEP_KEY, Long.toString(optimizer.step())));
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve(STATE_FILE).toFile(), state);
    }

    public static CausalLanguageModel model(Path folder, NDManager manager, DataType dataType) throws IOException {
        return ModelDirectory.load(folder, manager, dataType);
    }

    /** Puts the saved moments and update count back into {@code optimizer}. */
    public static void restoreOptimizer(Path folder, AdamW optimizer) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(folder.resolve(OPTIMIZER_FILE));
        String step = contents.metadata().get(STEP_KEY);
        if (step == null) {
            throw new IllegalArgumentException(folder.resolve(OPTIMIZER_FILE) + " lacks the '" + STEP_KEY + "' metadata");
        }
        optimizer.restore(contents.tensors(), Long.parseLong(step));
    }

    public static <T> T state(Path folder, Class<T> type) throws IOException {
        Path file = folder.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(folder + " is not a training checkpoint: it has no " + STATE_FILE);
        }
        return JSON.readValue(file.toFile(), type);
    }
}
