package dev.fuseflow.local;

import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConfigReference;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's local-stack section is what the options give ({@code -Dfuseflow.docs.regenerate=true} writes it). */
class ConfigurationReferenceTest {

    @Test
    void localOptions() {
        ConfigReference.requireCurrent(
                "local",
                ConfigReference.options(LocalStackCommand.commandLine(new String[0], Map.of()), ConfigFile.class));
    }
}
