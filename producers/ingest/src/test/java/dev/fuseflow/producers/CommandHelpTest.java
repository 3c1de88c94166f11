package dev.fuseflow.producers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.producers.gateway.GatewayCommand;
import dev.fuseflow.producers.importer.ImportCommand;
import dev.fuseflow.runtime.config.CommandHelp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every command's --help renders without a picocli warning, every option has a description and shows its default,
 * and --version prints FuseFlow's version ({@link CommandHelp}).
 */
class CommandHelpTest {

    @Test
    void fuseflowGateway() {
        assertThat(CommandHelp.problems(GatewayCommand.commandLine(new String[0], Map.of())))
                .isEmpty();
    }

    @Test
    void fuseflowImport() {
        assertThat(CommandHelp.problems(ImportCommand.commandLine(new String[0], Map.of())))
                .isEmpty();
    }
}
