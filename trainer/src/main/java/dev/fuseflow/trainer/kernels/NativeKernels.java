package dev.fuseflow.trainer.kernels;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether FuseFlow's native kernels ({@code libfuseflow_kernels.so}, built by
 * {@code bin/fuseflow-native-build}) run in this JVM. The library is named by the environment
 * variable {@value #LIBRARY_VARIABLE}; unset, every kernel runs as pure DJL operations (CPU, CI).
 * Set, it must load: a path that is missing, not a library, or built for another libtorch than
 * the one DJL loaded is an error naming the path and the cause, never a silent fallback, because a
 * GPU run that quietly lost its attention kernel is several times slower.
 *
 * <p>JNI binds a library to the JVM, not to an object, so the outcome is decided once per JVM,
 * on first use. The library is loaded after DJL's PyTorch engine, whose libtorch it links against.
 */
public final class NativeKernels {

    /** The environment variable naming the library's path. */
    public static final String LIBRARY_VARIABLE = "FUSEFLOW_NATIVE_LIBRARY";

    private static final Logger LOG = LoggerFactory.getLogger(NativeKernels.class);

    private static Optional<Path> loaded;

    private NativeKernels() {}

    /** True when the library named by {@value #LIBRARY_VARIABLE} is loaded (loading it on first call). */
    public static boolean available() {
        return loadedLibrary().isPresent();
    }

    /** The library loaded from {@value #LIBRARY_VARIABLE}, or empty where it is unset. */
    public static synchronized Optional<Path> loadedLibrary() {
        if (loaded == null) {
            loaded = loadFrom(System.getenv());
        }
        return loaded;
    }

    /**
     * Loads the library {@code env} names under {@value #LIBRARY_VARIABLE}; empty where it names
     * none. Package-private for the tests of the loading errors.
     *
     * @throws NativeKernelException when the variable is set but the library cannot be used
     */
    static Optional<Path> loadFrom(Map<String, String> env) {
        String configured = env.get(LIBRARY_VARIABLE);
        if (configured == null || configured.isBlank()) {
            LOG.info(
                    "{} is not set: attention, graph-keeping casts and RMSNorm run as pure DJL operations",
                    LIBRARY_VARIABLE);
            return Optional.empty();
        }
        Path library = Path.of(configured).toAbsolutePath();
        load(library);
        return Optional.of(library);
    }

    /**
     * Loads {@code library} into this JVM after DJL's PyTorch engine and checks that it was built for
     * the libtorch DJL loaded.
     *
     * @throws NativeKernelException naming the path and what to fix
     */
    static void load(Path library) {
        if (!Files.isRegularFile(library)) {
            throw new NativeKernelException(LIBRARY_VARIABLE + "=" + library
                    + ": no such file; build it with bin/fuseflow-native-build or unset the variable");
        }
        String engineVersion = Engine.getEngine("PyTorch").getVersion(); // loads libtorch first
        try {
            System.load(library.toString());
        } catch (UnsatisfiedLinkError e) {
            throw new NativeKernelException(
                    LIBRARY_VARIABLE + "=" + library + " could not be loaded (" + e.getMessage()
                            + "); it must be a libfuseflow_kernels.so built by bin/fuseflow-native-build against"
                            + " the libtorch DJL loaded (" + engineVersion + ")",
                    e);
        }
        String builtFor = NativeOps.torchVersion();
        if (!majorMinor(builtFor).equals(majorMinor(engineVersion))) {
            throw new NativeKernelException(LIBRARY_VARIABLE + "=" + library + " was built against libtorch "
                    + builtFor + " but DJL loaded libtorch " + engineVersion
                    + ": rebuild it with bin/fuseflow-native-build against the libtorch of PYTORCH_LIBRARY_PATH");
        }
        LOG.info("Native kernels loaded from {} (built against libtorch {})", library, builtFor);
    }

    /** {@code 2.11} of {@code 2.11.0+cu130}. */
    static String majorMinor(String version) {
        String[] parts = version.split("[.+-]");
        return parts.length < 2 ? version : parts[0] + "." + parts[1];
    }
}
