package dev.fuseflow.bench.trainer.cli;

import dev.fuseflow.runtime.config.ConfigReference;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's benchmark section is what the options give ({@code -Dfuseflow.docs.regenerate=true} writes it). */
class ConfigurationReferenceTest {

    @Test
    void benchmarkOptions() {
        ConfigReference.requireCurrent(
                "trainer-bench", ConfigReference.options(TrainerBenchCommand.commandLine(new String[0], Map.of())));
    }
}
