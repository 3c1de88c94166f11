package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import dev.fuseflow.trainer.format.Chunk;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.format.TensorDType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

    /**
     * Tensors travel between files and devices in chunks of at most this many elements (16 M, 64 MB
     * as float32): a tensor of any size loads and saves with the heap holding about two copies of one
     * chunk (its floats and its bytes), and no chunk nears the 2 GiB limit of a Java array.
     */
    static final long DEFAULT_CHUNK_ELEMENTS = 16L << 20;

    /** Fills every named parameter from the folder's tensors, widening f16/bf16 on disk to the model's type. */
    public static void load(HuggingFaceNames names, Path modelDir, NDManager manager) throws IOException {
        load(names, modelDir, manager, DEFAULT_CHUNK_ELEMENTS);
    }

    static void load(HuggingFaceNames names, Path modelDir, NDManager manager, long chunkElements) throws IOException {
        Map<String, Tensor> tensors = ShardedCheckpoint.read(modelDir);
        for (Map.Entry<String, HuggingFaceNames.Entry> e : names.entries().entrySet()) {
            Tensor tensor = tensors.get(e.getKey());
            if (tensor == null) {
                throw new IllegalArgumentException(modelDir + " lacks tensor '" + e.getKey() + "'");
            }
            NDArray target = e.getValue().parameter().getArray();
            boolean transposed = e.getValue().transposed();
            if (!Arrays.equals(tensor.shape(), storedShape(target, transposed))) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(tensor.shape()) + ", the model expects "
                        + (transposed ? "the transpose of " : "") + target.getShape());
            }
            TensorTransfer.copyInto(tensor, target, transposed, manager, chunkElements);
        }
    }

    /** The parameter's shape as the checkpoint stores it. */
    private static long[] storedShape(NDArray parameter, boolean transposed) {
        // A copy: Shape hands out its own array, which reversing in place would corrupt.
        long[] shape = parameter.getShape().getShape().clone();
        if (transposed) {
            for (int i = 0; i < shape.length / 2; i++) {
                long swap = shape[i];
                shape[i] = shape[shape.length - 1 - i];
                shape[shape.length - 1 - i] = swap;
            }
        }
        return shape;
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
     * {@code model.safetensors.index.json}. Tensors are converted chunk by chunk, so the heap holds one
     * chunk, not the model. Weight files of an earlier layout in the folder are removed first.
     */
    public static void save(HuggingFaceNames names, Path modelDir, TensorDType dtype, long maxShardBytes)
            throws IOException {
        save(names, modelDir, dtype, maxShardBytes, DEFAULT_CHUNK_ELEMENTS);
    }

    /**
     * Like {@link #save(HuggingFaceNames, Path, TensorDType)}, with every adapted layer's weight
     * written with its adapter folded in: a merged model, one layer's float32 merged weight in
     * memory at a time and the model itself unchanged.
     */
    public static void saveMerged(HuggingFaceNames names, Path modelDir, TensorDType dtype) throws IOException {
        Map<String, AdaptableLinear> adapted = new LinkedHashMap<>();
        names.adaptableLayers().forEach((prefix, layer) -> {
            if (layer.adapter().isPresent()) {
                adapted.put(prefix + ".weight", layer);
            }
        });
        save(names, modelDir, dtype, DEFAULT_MAX_SHARD_BYTES, DEFAULT_CHUNK_ELEMENTS, name -> {
            AdaptableLinear layer = adapted.get(name);
            return layer == null ? null : layer.mergedWeight();
        });
    }

    static void save(HuggingFaceNames names, Path modelDir, TensorDType dtype, long maxShardBytes, long chunkElements)
            throws IOException {
        save(names, modelDir, dtype, maxShardBytes, chunkElements, name -> null);
    }

    /** replacement: a new array to write (and close) instead of the named parameter, or null for the parameter. */
    private static void save(
            HuggingFaceNames names,
            Path modelDir,
            TensorDType dtype,
            long maxShardBytes,
            long chunkElements,
            Function<String, NDArray> replacement)
            throws IOException {
        Map<String, SafeTensors.Spec> specs = new LinkedHashMap<>();
        for (Map.Entry<String, HuggingFaceNames.Entry> e : names.entries().entrySet()) {
            NDArray parameter = e.getValue().parameter().getArray();
            specs.put(
                    e.getKey(),
                    new SafeTensors.Spec(
                            e.getKey(),
                            dtype,
                            storedShape(parameter, e.getValue().transposed())));
        }
        List<List<SafeTensors.Spec>> shards = ShardedCheckpoint.plan(List.copyOf(specs.values()), maxShardBytes);
        ShardedCheckpoint.removeWeights(modelDir);
        Map<String, String> metadata = Map.of("format", "pt");
        SafeTensors.TensorData data = (spec, out) -> {
            HuggingFaceNames.Entry entry = names.entries().get(spec.name());
            NDArray replaced = replacement.apply(spec.name());
            try {
                NDArray values = replaced != null ? replaced : entry.parameter().getArray();
                for (Chunk chunk : Chunk.of(spec.shape(), chunkElements)) {
                    out.accept(TensorTransfer.bytes(values, chunk, entry.transposed(), dtype));
                }
            } finally {
                if (replaced != null) {
                    replaced.close();
                }
            }
        };
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
}
