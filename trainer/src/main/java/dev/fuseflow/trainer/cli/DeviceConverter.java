package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.train.ComputeDevice;
import picocli.CommandLine.ITypeConverter;

/** {@code --device}: checked for shape while parsing; whether the GPU exists is checked at start. */
public final class DeviceConverter implements ITypeConverter<ComputeDevice> {

    @Override
    public ComputeDevice convert(String value) {
        return new ComputeDevice(value);
    }
}
