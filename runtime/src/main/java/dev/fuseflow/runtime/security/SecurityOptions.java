package dev.fuseflow.runtime.security;

import dev.fuseflow.schemas.security.ClientSecurity;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --security-config} option of every FuseFlow command (a picocli mixin). */
public final class SecurityOptions {

    @Option(names = "--security-config",
            description = "Properties file with fuseflow.security.* settings: SASL/SCRAM user, TLS truststore, registry basic auth."
                    + " FUSEFLOW_SECURITY_* environment variables (e.g. FUSEFLOW_SECURITY_SASL_PASSWORD) override it.")
    Path file;

    /** The file's settings overlaid by the environment; validated, so a bad setting fails at start. */
    public ClientSecurity security() {
        return ClientSecurity.load(Optional.ofNullable(file), System.getenv());
    }
}
