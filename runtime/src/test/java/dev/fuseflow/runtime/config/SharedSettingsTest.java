package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.schemas.security.ClientSecurity;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SharedSettingsTest {

    @Test
    void theSecurityDeclarationsAreClientSecuritysKeysWithItsDefaults() {
        Map<String, String> declared =
                SettingSet.of("security", Map.of(), SharedSettings.SECURITY).defaults();
        assertThat(declared).isEqualTo(ClientSecurity.DEFAULTS);
    }

    @Test
    void theTopicDeclarationsAreTheCataloguesKeysWithItsDefaultsAndReachIt() {
        SettingSet topics = SettingSet.of("topics", Map.of(), SharedSettings.TOPICS, SharedSettings.CONNECTION);
        assertThat(topics.defaults())
                .containsEntry("fuseflow.topics.dlq.name", "fuseflow.dlq.v1")
                .containsEntry("fuseflow.topics.model-versions.partitions", "1")
                .doesNotContainKey("fuseflow.topics.dlq.replication.factor");
        Settings settings = Settings.load(
                topics,
                Optional.empty(),
                Map.of(
                        "FUSEFLOW_TOPICS_PREFIX",
                        "staging.",
                        "FUSEFLOW_TOPICS_FEEDBACK_NAME",
                        "fb",
                        "FUSEFLOW_TOPICS_DLQ_REPLICATION_FACTOR",
                        "3"),
                Map.of());
        FuseFlowTopics resolved = SharedSettings.topics(settings);
        assertThat(resolved.feedback().name()).isEqualTo("staging.fb");
        assertThat(resolved.generations().name()).isEqualTo("staging.fuseflow.generations.v1");
        assertThat(resolved.deadLetters().replicationFactor()).contains((short) 3);
        assertThat(FuseFlowTopics.defaults().all()).hasSize(SharedSettings.TOPICS.size() / 3);
    }
}
