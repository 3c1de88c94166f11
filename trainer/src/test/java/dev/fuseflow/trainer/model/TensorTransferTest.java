package dev.fuseflow.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.format.SafeTensors;
import dev.fuseflow.trainer.format.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimizer state (moments, masters) goes to its file and back chunk by chunk, so a tensor above
 * what one Java array holds passes: here with chunks of 7 elements over odd shapes.
 */
class TensorTransferTest {

    @TempDir
    Path dir;

    @Test
    void arraysWrittenInSmallChunksReadBackEqual() throws Exception {
        Path file = dir.resolve("optimizer.safetensors");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("m.embedding", manager.randomNormal(new Shape(13, 5)));
            arrays.put("v.row", manager.randomNormal(new Shape(3, 29)).abs());
            arrays.put("master.scalar", manager.create(new float[] {2.5f}, new Shape(1)));
            arrays.put("m.half", manager.randomNormal(new Shape(4, 3)).toType(DataType.FLOAT16, false));

            TensorTransfer.writeFloat32(file, arrays, Map.of("adamw_step", "3"), 7);

            SafeTensors.Contents read = SafeTensors.read(file);
            assertThat(read.metadata()).containsEntry("adamw_step", "3");
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                Tensor saved = read.tensors().get(e.getKey());
                assertThat(saved.shape()).isEqualTo(e.getValue().getShape().getShape());
                float[] expected = e.getValue().toType(DataType.FLOAT32, false).toFloatArray();
                assertThat(saved.toFloats()).as(e.getKey()).containsExactly(expected);
                NDArray back = TensorTransfer.create(saved, manager, DataType.FLOAT32);
                assertThat(back.toFloatArray()).containsExactly(expected);
            }
        }
    }
}
