package dev.fuseflow.trainer.kernels;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;

/**
 * Records what one piece of work runs, as a Chrome trace (JSON) for {@code chrome://tracing},
 * Perfetto or {@code benchmarks/gpu/summarize_trace.py}. With FuseFlow's native kernels this is
 * libtorch's Kineto profiler, the one {@code torch.profiler} runs: operators on the calling thread
 * and the autograd threads, on a GPU every kernel with its device time, and optionally every
 * allocation with the allocator's running total (where the memory peak comes from). Without the
 * library it is DJL's profiler, which sees operators on the host only.
 */
public final class KernelProfiler implements AutoCloseable {

    private final Path trace;
    private final boolean kineto;

    private KernelProfiler(Path trace, boolean kineto) {
        this.trace = trace;
        this.kineto = kineto;
    }

    /** Starts recording on this thread; {@link #close} writes the trace to {@code trace}. */
    public static KernelProfiler start(Path trace, Device device, boolean memory) {
        boolean kineto = NativeKernels.available();
        if (kineto) {
            NativeOps.startKernelProfile(device.isGpu(), memory);
        } else {
            JniUtils.startProfile(device.isGpu(), memory, true);
        }
        return new KernelProfiler(trace, kineto);
    }

    /** Whether the trace holds device kernels and allocations (Kineto) or host operators only (DJL's profiler). */
    public boolean seesKernels() {
        return kineto;
    }

    /** Stops recording and writes the trace. */
    @Override
    public void close() {
        if (kineto) {
            NativeOps.stopKernelProfile(trace.toAbsolutePath().toString());
        } else {
            JniUtils.stopProfile(trace.toAbsolutePath().toString());
        }
    }
}
