package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.train.ComputeDevice;
import picocli.CommandLine.Option;

/** {@code --device}, the one declaration every command that computes on DJL mixes in. */
public final class DeviceOption {

    @Option(
            names = "--device",
            converter = DeviceConverter.class,
            description =
                    "auto (the first GPU libtorch sees, else the CPU), cpu, gpu, gpuN or cuda:N; several comma-separated GPUs"
                            + " of this host (gpu0,gpu1) train data-parallel where the command does (default ${DEFAULT-VALUE}).")
    ComputeDevice device = ComputeDevice.AUTO;

    public ComputeDevice device() {
        return device;
    }
}
