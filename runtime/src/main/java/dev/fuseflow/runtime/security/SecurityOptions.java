package dev.fuseflow.runtime.security;

import dev.fuseflow.runtime.config.SharedSettings;
import dev.fuseflow.schemas.security.ClientSecurity;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code --security-config} option of every FuseFlow command (a picocli mixin), bound to {@code fuseflow.security.config}. */
@Command(resourceBundle = "dev.fuseflow.runtime.config.SharedSettingsHelp")
public final class SecurityOptions {

    @Option(names = "--security-config", descriptionKey = SharedSettings.SECURITY_CONFIG_KEY)
    Path file;

    /** The file's settings overlaid by the environment; validated, so a bad setting fails at start. */
    public ClientSecurity security() {
        return ClientSecurity.load(Optional.ofNullable(file), System.getenv());
    }
}
