package dev.fuseflow.runtime.config;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code -c/--config FILE} and {@code -s/--set key=value}, the command-line side of a service whose
 * settings are keys rather than options (the gateway, the stream processors): a picocli mixin.
 */
public final class ConfigOptions {

    @Mixin
    ConfigFile file = new ConfigFile();

    @Option(
            names = {"-s", "--set"},
            description = "key=value, overrides file and environment (repeatable).")
    Map<String, String> overrides = new HashMap<>();

    /** Defaults, then the file, then {@code env}, then {@code --set}. */
    public Settings load(SettingSet declared, Map<String, String> env) {
        return Settings.load(declared, file.path(), env, overrides);
    }
}
