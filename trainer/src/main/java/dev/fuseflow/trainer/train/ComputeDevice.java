package dev.fuseflow.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the model's arrays live: {@code auto} (the engine's default: the first GPU when libtorch
 * sees one, else the CPU), {@code cpu}, or a GPU as {@code gpu}, {@code gpu1}, {@code gpu(1)} or
 * {@code cuda:1}; or several, comma-separated ({@code gpu0,gpu1}), for data-parallel WRPO updates
 * whose weights live on the first. Parsed at start so that a typo or a missing GPU fails before any work.
 */
public record ComputeDevice(String name) {

    private static final Pattern GPU = Pattern.compile("(?:gpu|cuda)(?:\\(?:?(\\d+)\\)?)?");

    public static final ComputeDevice AUTO = new ComputeDevice("auto");

    public ComputeDevice {
        String normalized =
                name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        for (String part : normalized.split(",")) {
            if (!part.equals("auto")
                    && !part.equals("cpu")
                    && !GPU.matcher(part).matches()) {
                throw new IllegalArgumentException("--device must be auto, cpu, gpu, gpuN, gpu(N) or cuda:N, or several"
                        + " comma-separated for data-parallel updates; got '" + name + "'");
            }
        }
        name = normalized;
    }

    /** The devices of a data-parallel run, or the one device; each checked against the GPUs libtorch sees. */
    public List<Device> devices() {
        return Arrays.stream(name.split(",")).map(ComputeDevice::single).toList();
    }

    public boolean isDataParallel() {
        return name.contains(",");
    }

    /** The first of several devices (where the weights live), or this one. */
    public ComputeDevice first() {
        return new ComputeDevice(name.split(",")[0]);
    }

    /** The (first) DJL device, where the weights live. */
    public Device device() {
        return single(first().name());
    }

    private static Device single(String name) {
        Engine engine = Engine.getEngine("PyTorch");
        if (name.equals("auto")) {
            return engine.defaultDevice();
        }
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        Matcher matcher = GPU.matcher(name);
        matcher.matches();
        int id = matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1));
        int visible = engine.getGpuCount();
        if (id >= visible) {
            throw new IllegalArgumentException(
                    "--device " + name + ": libtorch sees " + visible + " GPU(s); check CUDA_VISIBLE_DEVICES,"
                            + " and that PYTORCH_LIBRARY_PATH points at a CUDA build of libtorch with a DJL bridge built for it");
        }
        return Device.gpu(id);
    }

    /** A root manager on this device. */
    public NDManager newManager() {
        return NDManager.newBaseManager(device(), "PyTorch");
    }

    @Override
    public String toString() {
        return name;
    }
}
