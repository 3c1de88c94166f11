package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.runtime.config.CommandHelp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every command's --help renders without a picocli warning, every option has a description and shows its default,
 * and --version prints FuseFlow's version ({@link CommandHelp}).
 */
class CommandHelpTest {

    @Test
    void fuseflowTrainer() {
        assertThat(CommandHelp.problems(TrainerCommand.commandLine(new String[0], Map.of())))
                .isEmpty();
    }
}
