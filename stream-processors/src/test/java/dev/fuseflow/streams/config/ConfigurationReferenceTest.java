package dev.fuseflow.streams.config;

import dev.fuseflow.runtime.config.ConfigReference;
import dev.fuseflow.runtime.config.SharedSettings;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's stream-processor section is what the declarations give ({@code -Dfuseflow.docs.regenerate=true} writes it). */
class ConfigurationReferenceTest {

    @Test
    void streamProcessorSettings() {
        ConfigReference.requireCurrent(
                "stream processors",
                ConfigReference.settings(StreamProcessorSettings.ALL, SharedSettings.TOPICS, SharedSettings.SECURITY));
    }
}
