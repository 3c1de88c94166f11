package dev.fuseflow.runtime.config;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * docs/configuration.md's shared sections are what the declarations give; with
 * {@code -Dfuseflow.docs.regenerate=true} this test writes them.
 */
class ConfigurationReferenceTest {

    @Command(name = "any-kafka-command")
    static final class AnyKafkaCommand {
        @Mixin
        ConnectionOptions connection = new ConnectionOptions();
    }

    @Test
    void connectionOptions() {
        CommandLine line = CommandLines.configure(new CommandLine(new AnyKafkaCommand()), new String[0], Map.of());
        ConfigReference.requireCurrent("connection options", ConfigReference.options(line));
    }

    @Test
    void securitySettings() {
        ConfigReference.requireCurrent(
                "security settings",
                ConfigReference.settings(new SettingSet("security", SharedSettings.SECURITY, Map.of())));
    }

    @Test
    void topicSettings() {
        ConfigReference.requireCurrent(
                "topic settings",
                ConfigReference.settings(new SettingSet("topics", List.copyOf(SharedSettings.TOPICS), Map.of())));
    }
}
