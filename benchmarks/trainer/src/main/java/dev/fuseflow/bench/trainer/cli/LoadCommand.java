package dev.fuseflow.bench.trainer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import dev.fuseflow.trainer.cli.DeviceOption;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.HuggingFaceNames;
import dev.fuseflow.trainer.model.ModelDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code load}: how long {@link ModelDirectory#load} takes for a model folder onto a device and how
 * much host memory it needs beyond what stays there. On the CPU the weights themselves are host
 * memory, so the overhead above them is what the loader must keep bounded; on a GPU the weights
 * leave the host, so the whole peak RSS is overhead. Run with a small heap
 * ({@code FUSEFLOW_JAVA_OPTS=-Xmx512m}) to show the weights do not pass through the Java heap.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = "Load a Hugging Face model folder onto --device and print the time, the parameters' bytes, the"
                + " process's peak and final RSS, their overhead above what stays in host memory, and the GPU memory"
                + " the weights took; RSS every 10 s while loading.")
final class LoadCommand implements Callable<Integer> {

    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final long PROGRESS_SECONDS = 10;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption deviceOption = new DeviceOption();

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "A Hugging Face model folder.")
    Path dir;

    @Option(
            names = "--dtype",
            defaultValue = "float32",
            description = "Type of the loaded parameters: float32, float16 or bfloat16 (default ${DEFAULT-VALUE}).")
    String dtype;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DataType dataType = DataType.valueOf(dtype.toUpperCase(Locale.ROOT));
        Device device = deviceOption.device().device();
        Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            long before = rssBytes("VmRSS:");
            long gpuBefore = gpuUsedBytes(device);
            out.printf(
                    Locale.ROOT,
                    "loading %s as %s onto %s; RSS before the load %.2f GiB (JVM and libtorch)%n",
                    dir,
                    dataType,
                    device,
                    before / GIB);
            out.flush();
            long begin = System.nanoTime();
            ScheduledExecutorService progress = startProgress(out, begin);
            CausalLanguageModel model;
            try {
                model = ModelDirectory.load(dir, manager, dataType);
            } finally {
                progress.shutdownNow();
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            report(out, model, seconds, before, device.isGpu() ? gpuUsedBytes(device) - gpuBefore : -1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + dir, e);
        }
        return 0;
    }

    /** Prints elapsed seconds and RSS every {@value #PROGRESS_SECONDS} s until shut down. */
    private static ScheduledExecutorService startProgress(PrintWriter out, long begin) {
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "load-progress");
            thread.setDaemon(true);
            return thread;
        });
        progress.scheduleAtFixedRate(
                () -> {
                    out.printf(
                            Locale.ROOT,
                            "  %4.0f s: RSS %.2f GiB, peak %.2f GiB%n",
                            (System.nanoTime() - begin) / 1e9,
                            rssBytes("VmRSS:") / GIB,
                            rssBytes("VmHWM:") / GIB);
                    out.flush();
                },
                PROGRESS_SECONDS,
                PROGRESS_SECONDS,
                TimeUnit.SECONDS);
        return progress;
    }

    private static void report(PrintWriter out, CausalLanguageModel model, double seconds, long before, long gpuBytes) {
        HuggingFaceNames names = model.huggingFaceParameters();
        // Tied embeddings appear under two names and are one array: count each array once.
        Set<NDArray> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        names.entries().values().forEach(entry -> arrays.add(entry.parameter().getArray()));
        long parameters = arrays.stream().mapToLong(NDArray::size).sum();
        long parameterBytes = arrays.stream()
                .mapToLong(a -> a.size() * a.getDataType().getNumOfBytes())
                .sum();
        // Weights on a GPU are not host memory: all of the RSS is the loader's (and the runtime's).
        long hostWeights = gpuBytes >= 0 ? 0 : parameterBytes;
        long peak = rssBytes("VmHWM:");
        long after = rssBytes("VmRSS:");
        out.printf(Locale.ROOT, "load:             %.1f s%n", seconds);
        out.printf(
                Locale.ROOT,
                "parameters:       %.3f B, %.2f GiB (%.0f MB/s)%n",
                parameters / 1e9,
                parameterBytes / GIB,
                parameterBytes / 1e6 / seconds);
        out.printf(Locale.ROOT, "peak RSS:         %.2f GiB%n", peak / GIB);
        out.printf(Locale.ROOT, "RSS after load:   %.2f GiB%n", after / GIB);
        out.printf(
                Locale.ROOT,
                "overhead:         peak %.2f GiB, after %.2f GiB above the weights in host memory (%.2f GiB of it"
                        + " before the load)%n",
                (peak - hostWeights) / GIB,
                (after - hostWeights) / GIB,
                before / GIB);
        if (gpuBytes >= 0) {
            out.printf(Locale.ROOT, "GPU memory taken: %.2f GiB%n", gpuBytes / GIB);
        }
        out.flush();
    }

    private static long gpuUsedBytes(Device device) {
        return device.isGpu() ? CudaUtils.getGpuMemory(device).getUsed() : 0;
    }

    /** A {@code /proc/self/status} field ({@code VmRSS:}, {@code VmHWM:}) in bytes. */
    private static long rssBytes(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                            .filter(line -> line.startsWith(field))
                            .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                            .findFirst()
                            .orElseThrow()
                    * 1024;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
    }
}
