package dev.fuseflow.ops.cli;

import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConfigReference;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.runtime.security.SecurityOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's ops section is what the declarations give ({@code -Dfuseflow.docs.regenerate=true} writes it). */
class ConfigurationReferenceTest {

    @Test
    void opsOptions() {
        ConfigReference.requireCurrent(
                "ops",
                ConfigReference.options(
                        OpsCommand.commandLine(new String[0], Map.of()),
                        ConnectionOptions.class,
                        SecurityOptions.class,
                        ConfigFile.class));
    }
}
