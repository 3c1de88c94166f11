package dev.fuseflow.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profiler writes a Chrome trace naming the operators the profiled work ran: Kineto's where
 * FUSEFLOW_NATIVE_LIBRARY is set (with the allocations it was asked for), DJL's elsewhere.
 */
class KernelProfilerTest {

    @Test
    void theTraceNamesTheOperatorsOfTheProfiledWork(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("trace.json");
        boolean kineto;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.ones(new Shape(64, 64));
            try (KernelProfiler profiler = KernelProfiler.start(trace, manager.getDevice(), true)) {
                kineto = profiler.seesKernels();
                a.matMul(a).sum().getFloat();
            }
        }

        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.get("traceEvents");
        List<String> names = new ArrayList<>();
        events.forEach(e -> names.add(e.path("name").asText()));
        assertThat(names).anyMatch(name -> name.contains("mm")).anyMatch(name -> name.contains("sum"));
        assertThat(kineto).isEqualTo(NativeKernels.available());
        if (kineto) {
            // profile_memory: each allocation is an instant event with the allocator's running total.
            assertThat(names).contains("[memory]");
        }
    }
}
