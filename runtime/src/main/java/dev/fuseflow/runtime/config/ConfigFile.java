package dev.fuseflow.runtime.config;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code -c/--config FILE}, the file layer of every FuseFlow command (a picocli mixin): a
 * properties file of settings under their keys (docs/configuration.md). Environment variables
 * override it, the command line overrides both. {@link SettingsDefaultProvider} reads it before
 * picocli parses, so that it can supply option defaults.
 */
public final class ConfigFile {

    @Option(
            names = {"-c", "--config"},
            description =
                    "Properties file of settings under their keys; FUSEFLOW_* variables and the command line override it.")
    Path file;

    public Optional<Path> path() {
        return Optional.ofNullable(file);
    }
}
