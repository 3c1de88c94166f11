package dev.fuseflow.trainer.cli;

import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConfigReference;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.runtime.security.SecurityOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's trainer section is what the options give ({@code -Dfuseflow.docs.regenerate=true} writes it). */
class ConfigurationReferenceTest {

    @Test
    void trainerOptions() {
        ConfigReference.requireCurrent(
                "trainer",
                ConfigReference.options(
                        TrainerCommand.commandLine(new String[0], Map.of()),
                        ConnectionOptions.class,
                        SecurityOptions.class,
                        ConfigFile.class));
    }
}
