package dev.fuseflow.demo.cli;

import dev.fuseflow.runtime.config.ConfigReference;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's demo section is what the options give ({@code -Dfuseflow.docs.regenerate=true} writes it). */
class ConfigurationReferenceTest {

    @Test
    void demoOptions() {
        ConfigReference.requireCurrent(
                "demo", ConfigReference.options(DemoCommand.commandLine(new String[0], Map.of())));
    }
}
