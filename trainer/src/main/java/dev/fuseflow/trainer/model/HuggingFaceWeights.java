package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.format.TensorDType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copies weights name for name between a model and a Hugging Face folder (single file or shards). */
public final class HuggingFaceWeights {

    private HuggingFaceWeights() {}

    /** {@code model} with its weights allocated in {@code dataType} and filled from the folder. */
    public static <M extends CausalLanguageModel> M loadInto(
            M model, Path modelDir, NDManager manager, DataType dataType) throws IOException {
        // Every weight is overwritten from the checkpoint: zeros are cheaper than drawing random ones.
        model.setInitializer(Initializer.ZEROS, parameter -> true);
        model.initialize(manager, dataType, new Shape(1, 1), new Shape(1, 1));
        load(model.huggingFaceParameters(), modelDir, manager);
        return model;
    }

    /** Fills every named parameter from the folder's tensors, widening f16/bf16 on disk to the model's type. */
    public static void load(HuggingFaceNames names, Path modelDir, NDManager manager) throws IOException {
        Map<String, Tensor> tensors = ShardedCheckpoint.read(modelDir);
        for (Map.Entry<String, HuggingFaceNames.Entry> e : names.entries().entrySet()) {
            Tensor tensor = tensors.get(e.getKey());
            if (tensor == null) {
                throw new IllegalArgumentException(modelDir + " lacks tensor '" + e.getKey() + "'");
            }
            NDArray target = e.getValue().parameter().getArray();
            // The copies are closed with the scratch manager: a long-running trainer loads and saves often.
            try (NDManager scratch = manager.newSubManager()) {
                // Widened on the heap, not wrapped: an array made from the memory-mapped buffer kept the
                // mapping (and its file system) busy after the load (TrainerServiceFullDiskTest).
                NDArray source = scratch.create(tensor.toFloats(), new Shape(tensor.shape()));
                if (e.getValue().transposed()) {
                    source = source.transpose();
                }
                if (!source.getShape().equals(target.getShape())) {
                    throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape "
                            + Arrays.toString(tensor.shape()) + ", the model expects "
                            + (e.getValue().transposed() ? "the transpose of " : "") + target.getShape());
                }
                // An indexed put copies into the weight's own PyTorch-allocated memory. DJL's copyTo
                // would instead re-point the weight at a Java direct buffer that only the wrapper
                // object keeps alive (the mechanism behind the use-after-free described in Scalar).
                target.set(new NDIndex("..."), source.toType(target.getDataType(), false));
            }
        }
    }

    /** Hugging Face's default shard size ("5GB"): folders above it are written in shards with an index. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    /** Writes every named parameter as {@code dtype}, in shards above {@link #DEFAULT_MAX_SHARD_BYTES}. */
    public static void save(HuggingFaceNames names, Path modelDir, TensorDType dtype) throws IOException {
        save(names, modelDir, dtype, DEFAULT_MAX_SHARD_BYTES);
    }

    /**
     * Writes every named parameter as {@code dtype} (F32, F16 or BF16): {@code model.safetensors} when
     * all fit {@code maxShardBytes}, else {@code model-0000i-of-0000n.safetensors} filled in order (a
     * tensor larger than the limit alone in its shard, as transformers does) and
     * {@code model.safetensors.index.json}. Tensors are converted one at a time, so the heap holds one
     * tensor, not the model. Weight files of an earlier layout in the folder are removed first.
     */
    public static void save(HuggingFaceNames names, Path modelDir, TensorDType dtype, long maxShardBytes)
            throws IOException {
        Map<String, SafeTensors.Spec> specs = new LinkedHashMap<>();
        for (Map.Entry<String, HuggingFaceNames.Entry> e : names.entries().entrySet()) {
            long[] shape = e.getValue().parameter().getArray().getShape().getShape();
            long[] stored = e.getValue().transposed() ? new long[] {shape[1], shape[0]} : shape;
            specs.put(e.getKey(), new SafeTensors.Spec(e.getKey(), dtype, stored));
        }
        List<List<SafeTensors.Spec>> shards = ShardedCheckpoint.plan(List.copyOf(specs.values()), maxShardBytes);
        ShardedCheckpoint.removeWeights(modelDir);
        Map<String, String> metadata = Map.of("format", "pt");
        SafeTensors.TensorData data = spec -> bytes(names.entries().get(spec.name()), dtype);
        if (shards.size() == 1) {
            SafeTensors.write(modelDir.resolve(ShardedCheckpoint.SINGLE_FILE), shards.get(0), metadata, data);
            return;
        }
        for (int i = 0; i < shards.size(); i++) {
            SafeTensors.write(
                    modelDir.resolve(ShardedCheckpoint.shardName(i, shards.size())), shards.get(i), metadata, data);
        }
        ShardedCheckpoint.writeIndex(modelDir, shards);
    }

    private static ByteBuffer bytes(HuggingFaceNames.Entry entry, TensorDType dtype) {
        NDArray parameter = entry.parameter().getArray();
        try (NDManager scratch = parameter.getManager().newSubManager()) {
            NDArray array = parameter.toType(DataType.FLOAT32, true);
            array.attach(scratch);
            if (entry.transposed()) {
                array = array.transpose();
            }
            return Tensor.ofFloats(dtype, array.getShape().getShape(), array.toFloatArray())
                    .data();
        }
    }
}
