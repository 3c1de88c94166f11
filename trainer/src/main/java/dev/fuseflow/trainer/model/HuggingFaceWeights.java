package dev.fuseflow.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.ShardedCheckpoint;
import dev.fuseflow.trainer.format.Tensor;
import dev.fuseflow.trainer.format.TensorDType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies weights name for name between a model and a Hugging Face folder (single file or shards). */
public final class HuggingFaceWeights {

    private HuggingFaceWeights() {}

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

    /** Writes every named parameter as {@code dtype} (F32, F16 or BF16) to {@code model.safetensors}. */
    public static void save(HuggingFaceNames names, Path modelDir, TensorDType dtype) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, HuggingFaceNames.Entry> e : names.entries().entrySet()) {
            NDArray parameter = e.getValue().parameter().getArray();
            try (NDManager scratch = parameter.getManager().newSubManager()) {
                NDArray array = parameter.toType(DataType.FLOAT32, true);
                array.attach(scratch);
                if (e.getValue().transposed()) {
                    array = array.transpose();
                }
                tensors.put(e.getKey(), Tensor.ofFloats(dtype, array.getShape().getShape(), array.toFloatArray()));
            }
        }
        SafeTensors.write(modelDir.resolve(ShardedCheckpoint.SINGLE_FILE), tensors, Map.of("format", "pt"));
    }
}
