package dev.fuseflow.bench.trainer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import dev.fuseflow.bench.trainer.KernelParity;
import dev.fuseflow.trainer.cli.DeviceOption;
import dev.fuseflow.trainer.kernels.AttentionKernel;
import dev.fuseflow.trainer.kernels.NativeKernels;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kernel-check}: FuseFlow's native kernels against the pure-DJL path on one device. Exit 1
 * outside tolerance, 2 where the native library is not loaded.
 */
@Command(
        name = "kernel-check",
        mixinStandardHelpOptions = true,
        description = "Compare the native attention kernel (FUSEFLOW_NATIVE_LIBRARY) with the pure-DJL one on --device:"
                + " outputs and q, k, v gradients in float32 and float16, with a causal+padding bias and causal,"
                + " multi-head and grouped-query; RMSNorm, a graph-keeping cast and chunked token log-probs; then time attention's"
                + " forward+backward on both paths.")
final class KernelCheckCommand implements Callable<Integer> {

    /**
     * Largest relative error (against the DJL result's largest magnitude) of the output and of each
     * gradient, float32: both paths compute in float32, only the order of the sums differs.
     */
    static final double FLOAT32_TOLERANCE = 1e-4;

    /** The same in float16: the DJL path rounds its scores and softmax weights to float16, the kernels do not. */
    static final double FLOAT16_TOLERANCE = 2e-2;

    /** The cast check's relative gradient error: one float16 rounding of x and of x². */
    static final double CAST_TOLERANCE = 2e-3;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption deviceOption = new DeviceOption();

    @Option(names = "--batch", defaultValue = "2", description = "B of the parity cases (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--heads",
            defaultValue = "8",
            description = "Query heads of the parity cases (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(
            names = "--kv-heads",
            defaultValue = "2",
            description = "Key/value heads of the grouped-query cases (default ${DEFAULT-VALUE}).")
    int kvHeads;

    @Option(
            names = "--length",
            defaultValue = "256",
            description = "Sequence length T of the parity cases (default ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--head-size", defaultValue = "64", description = "Head size d (default ${DEFAULT-VALUE}).")
    int headSize;

    @Option(
            names = "--timing",
            defaultValue = "8,16,1024,64",
            split = ",",
            description = "B, heads, T, d of the float16 timing (default ${DEFAULT-VALUE}); 0 skips it.")
    List<Integer> timing;

    @Option(
            names = "--passes",
            defaultValue = "10",
            description = "Timed forward+backward passes per kernel (default ${DEFAULT-VALUE}).")
    int passes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Device device = deviceOption.device().device();
        if (!NativeKernels.available()) {
            out.println("FAIL: " + NativeKernels.LIBRARY_VARIABLE
                    + " is not set; build the library with bin/fuseflow-native-build and point the variable at it");
            out.flush();
            return 2;
        }
        out.printf(
                Locale.ROOT,
                "kernel-check on %s: libtorch %s, native library %s%n",
                device,
                Engine.getEngine("PyTorch").getVersion(),
                NativeKernels.loadedLibrary().orElseThrow());
        AttentionKernel nativeKernel = AttentionKernel.nativeKernel();
        boolean passed = attentionWithin(out, device, nativeKernel);
        passed &= rmsNormWithin(out, device);
        passed &= bothTypesWithin(
                out, "SwiGLU (8, 256, 2816)", "gate", "up", type -> KernelParity.compareSwiGlu(type, device, 45));
        passed &= castWithin(out, device);
        passed &= tokenLogpsWithin(out, device);
        if (timing.size() == 4 && timing.get(0) > 0) {
            time(out, device, nativeKernel);
        }
        passed &= fusedAdamWWithin(out, device);
        out.println(passed ? "PASS" : "FAIL");
        out.flush();
        return passed ? 0 : 1;
    }

    private boolean attentionWithin(PrintWriter out, Device device, AttentionKernel nativeKernel) {
        boolean passed = true;
        for (KernelParity.Case c : KernelParity.parityCases(batch, heads, kvHeads, length, headSize)) {
            KernelParity.Errors errors = KernelParity.compare(c, device, 42, nativeKernel);
            double tolerance = c.type() == DataType.FLOAT16 ? FLOAT16_TOLERANCE : FLOAT32_TOLERANCE;
            boolean within = errors.worstRel() <= tolerance;
            passed &= within;
            out.printf(
                    Locale.ROOT,
                    "%-52s output max abs %.2e rel %.2e; gradient rel q %.2e k %.2e v %.2e (abs q %.2e k %.2e v"
                            + " %.2e); tolerance %.0e %s%n",
                    c,
                    errors.outputAbs(),
                    errors.outputRel(),
                    errors.gradientRel()[0],
                    errors.gradientRel()[1],
                    errors.gradientRel()[2],
                    errors.gradientAbs()[0],
                    errors.gradientAbs()[1],
                    errors.gradientAbs()[2],
                    tolerance,
                    within ? "ok" : "OUTSIDE");
            out.flush();
        }
        return passed;
    }

    private static boolean rmsNormWithin(PrintWriter out, Device device) {
        return bothTypesWithin(
                out, "RMSNorm (8, 256, 1024)", "x", "weight", type -> KernelParity.compareRmsNorm(type, device, 43));
    }

    private static boolean tokenLogpsWithin(PrintWriter out, Device device) {
        return bothTypesWithin(
                out,
                "token log-probs (1000 x 512 -> 32000, 128-row chunks)",
                "hidden",
                "weight",
                type -> KernelParity.compareTokenLogps(type, device, 44));
    }

    /** A kernel of an input x and a weight, compared in float32 and float16; prints a line per type. */
    private static boolean bothTypesWithin(
            PrintWriter out,
            String kernel,
            String input,
            String weight,
            Function<DataType, KernelParity.Errors> compare) {
        boolean passed = true;
        for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
            KernelParity.Errors errors = compare.apply(type);
            double tolerance = type == DataType.FLOAT16 ? FLOAT16_TOLERANCE : FLOAT32_TOLERANCE;
            boolean within = errors.worstRel() <= tolerance;
            passed &= within;
            out.printf(
                    Locale.ROOT,
                    "%s %-8s output max abs %.2e rel %.2e; gradient rel %s %.2e %s %.2e; tolerance %.0e %s%n",
                    kernel,
                    type,
                    errors.outputAbs(),
                    errors.outputRel(),
                    input,
                    errors.gradientRel()[0],
                    weight,
                    errors.gradientRel()[1],
                    tolerance,
                    within ? "ok" : "OUTSIDE");
            out.flush();
        }
        return passed;
    }

    private static boolean castWithin(PrintWriter out, Device device) {
        double castError = KernelParity.castGradientError(device);
        boolean within = castError <= CAST_TOLERANCE;
        out.printf(
                Locale.ROOT,
                "castKeepingGraph float32 -> float16 -> float32: gradient rel error %.2e (tolerance %.0e) %s%n",
                castError,
                CAST_TOLERANCE,
                within ? "ok" : "OUTSIDE");
        return within;
    }

    private static boolean fusedAdamWWithin(PrintWriter out, Device device) {
        double error;
        try {
            error = KernelParity.fusedAdamWError(device);
        } catch (EngineException e) {
            out.println("fused AdamW failed in libtorch: " + e.getMessage() + " OUTSIDE");
            out.flush();
            return false;
        }
        boolean within = error <= FLOAT32_TOLERANCE;
        out.printf(
                Locale.ROOT,
                "fused AdamW (3 weights, step 3, grad scale 4) against torch.optim.AdamW's formula: weight rel error"
                        + " %.2e (tolerance %.0e) %s%n",
                error,
                FLOAT32_TOLERANCE,
                within ? "ok" : "OUTSIDE");
        out.flush();
        return within;
    }

    private void time(PrintWriter out, Device device, AttentionKernel nativeKernel) {
        for (boolean padded : List.of(true, false)) {
            KernelParity.Case c = new KernelParity.Case(
                    timing.get(0),
                    timing.get(1),
                    timing.get(1),
                    timing.get(2),
                    timing.get(3),
                    DataType.FLOAT16,
                    padded);
            double nativeMillis = KernelParity.millisPerPass(nativeKernel, c, device, 3, passes);
            double djlMillis = KernelParity.millisPerPass(AttentionKernel.djl(), c, device, 3, passes);
            out.printf(
                    Locale.ROOT,
                    "forward+backward %s: native %.2f ms, DJL %.2f ms, %.2fx%n",
                    c,
                    nativeMillis,
                    djlMillis,
                    djlMillis / nativeMillis);
            out.flush();
        }
    }
}
