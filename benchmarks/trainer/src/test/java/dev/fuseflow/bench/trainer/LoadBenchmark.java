package dev.fuseflow.bench.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.HuggingFaceNames;
import dev.fuseflow.trainer.model.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How long {@link ModelDirectory#load} takes for a model folder and how much host memory it needs
 * beyond the weights: prints the load time, the parameters' bytes in the asked dtype, the process's
 * peak RSS ({@code VmHWM}) and RSS after the load, and both minus the parameter bytes, with the RSS
 * every 10 s while loading. On the CPU the weights themselves are host memory, so the overhead is
 * what the loader must keep bounded. Run with a small heap to show the heap is not the path:
 *
 * <pre>
 * java -Xmx512m -Dai.djl.offline=true -cp CLASSPATH dev.fuseflow.bench.trainer.LoadBenchmark DIR [float32|float16|bfloat16]
 * </pre>
 *
 * (CLASSPATH: this module's test-classes and classes, then {@code mvn dependency:build-classpath
 * -Dmdep.includeScope=test}); results in docs/results.md.
 */
public final class LoadBenchmark {

    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final long PROGRESS_SECONDS = 10;

    private LoadBenchmark() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            throw new IllegalArgumentException("usage: LoadBenchmark MODEL_DIR [float32|float16|bfloat16]");
        }
        Path dir = Path.of(args[0]);
        DataType dataType = args.length > 1 ? DataType.valueOf(args[1].toUpperCase(Locale.ROOT)) : DataType.FLOAT32;
        Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            long before = rssBytes("VmRSS:");
            System.out.printf(
                    Locale.ROOT,
                    "loading %s as %s; RSS before the load %.2f GiB (JVM and libtorch)%n",
                    dir,
                    dataType,
                    before / GIB);
            long begin = System.nanoTime();
            ScheduledExecutorService progress = startProgress(begin);
            CausalLanguageModel model;
            try {
                model = ModelDirectory.load(dir, manager, dataType);
            } finally {
                progress.shutdownNow();
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            report(model, seconds, before);
        }
    }

    /** Prints elapsed seconds and RSS every {@value #PROGRESS_SECONDS} s until shut down. */
    private static ScheduledExecutorService startProgress(long begin) {
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "load-progress");
            thread.setDaemon(true);
            return thread;
        });
        progress.scheduleAtFixedRate(
                () -> System.out.printf(
                        Locale.ROOT,
                        "  %4.0f s: RSS %.2f GiB, peak %.2f GiB%n",
                        (System.nanoTime() - begin) / 1e9,
                        rssBytes("VmRSS:") / GIB,
                        rssBytes("VmHWM:") / GIB),
                PROGRESS_SECONDS,
                PROGRESS_SECONDS,
                TimeUnit.SECONDS);
        return progress;
    }

    private static void report(CausalLanguageModel model, double seconds, long before) {
        HuggingFaceNames names = model.huggingFaceParameters();
        // Tied embeddings appear under two names and are one array: count each array once.
        Set<NDArray> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        names.entries().values().forEach(entry -> arrays.add(entry.parameter().getArray()));
        long parameters = arrays.stream().mapToLong(NDArray::size).sum();
        long parameterBytes = arrays.stream()
                .mapToLong(a -> a.size() * a.getDataType().getNumOfBytes())
                .sum();
        long peak = rssBytes("VmHWM:");
        long after = rssBytes("VmRSS:");
        System.out.printf(Locale.ROOT, "load:             %.1f s%n", seconds);
        System.out.printf(
                Locale.ROOT,
                "parameters:       %.3f B, %.2f GiB (%.0f MB/s)%n",
                parameters / 1e9,
                parameterBytes / GIB,
                parameterBytes / 1e6 / seconds);
        System.out.printf(Locale.ROOT, "peak RSS:         %.2f GiB%n", peak / GIB);
        System.out.printf(Locale.ROOT, "RSS after load:   %.2f GiB%n", after / GIB);
        System.out.printf(
                Locale.ROOT,
                "overhead:         peak %.2f GiB, after %.2f GiB above the parameters (%.2f GiB of it before the load)%n",
                (peak - parameterBytes) / GIB,
                (after - parameterBytes) / GIB,
                before / GIB);
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
