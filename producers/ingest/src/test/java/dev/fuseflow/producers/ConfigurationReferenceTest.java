package dev.fuseflow.producers;

import dev.fuseflow.producers.gateway.GatewaySettings;
import dev.fuseflow.producers.importer.ImportCommand;
import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConfigReference;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.runtime.config.SharedSettings;
import dev.fuseflow.runtime.security.SecurityOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's gateway and importer sections are the declarations' ({@code -Dfuseflow.docs.regenerate=true} writes them). */
class ConfigurationReferenceTest {

    @Test
    void gatewaySettings() {
        ConfigReference.requireCurrent(
                "gateway", ConfigReference.settings(GatewaySettings.ALL, SharedSettings.SECURITY));
    }

    @Test
    void importOptions() {
        ConfigReference.requireCurrent(
                "import",
                ConfigReference.options(
                        ImportCommand.commandLine(new String[0], Map.of()),
                        ConnectionOptions.class,
                        SecurityOptions.class,
                        ConfigFile.class));
    }
}
