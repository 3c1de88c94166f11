package dev.fuseflow.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FuseFlowTopicsTest {

    @Test
    void defaultsAreTheDesignNames() {
        assertThat(FuseFlowTopics.defaults().all())
                .extracting(TopicSpec::name)
                .containsExactly(
                        "fuseflow.generations.v1",
                        "fuseflow.feedback.v1",
                        "fuseflow.preferences.v1",
                        "fuseflow.dlq.v1",
                        "fuseflow.model-versions.v1");
    }

    @Test
    void modelVersionsAreCompactedAndEventsExpire() {
        FuseFlowTopics topics = FuseFlowTopics.defaults();
        assertThat(topics.modelVersions().configs()).containsEntry("cleanup.policy", "compact");
        assertThat(topics.preferences().configs())
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", String.valueOf(30L * 24 * 3600 * 1000));
    }

    @Test
    void configOverridesNamesPartitionsAndReplication() {
        FuseFlowTopics topics = FuseFlowTopics.fromConfig(Map.of(
                "fuseflow.topics.preferences.name", "team-a.preferences",
                "fuseflow.topics.preferences.partitions", "12",
                "fuseflow.topics.dlq.replication.factor", "3"));
        assertThat(topics.preferences().name()).isEqualTo("team-a.preferences");
        assertThat(topics.preferences().partitions()).isEqualTo(12);
        assertThat(topics.deadLetters().replicationFactor()).contains((short) 3);
        assertThat(topics.generations()).isEqualTo(FuseFlowTopics.defaults().generations());
    }

    @Test
    void badSettingsNameTheKeyAndValue() {
        assertThatThrownBy(() -> FuseFlowTopics.fromConfig(Map.of("fuseflow.topics.feedback.partitions", "many")))
                .hasMessage("fuseflow.topics.feedback.partitions must be a whole number, got 'many'");
        assertThatThrownBy(() -> FuseFlowTopics.fromConfig(Map.of("fuseflow.topics.feedback.partitions", "0")))
                .hasMessage("topic fuseflow.feedback.v1 needs at least 1 partition, got 0");
        assertThatThrownBy(() -> FuseFlowTopics.fromConfig(Map.of("fuseflow.topics.feedback.name", "bad name!")))
                .hasMessageContaining("'bad name!' may only use letters, digits");
        assertThatThrownBy(() -> new TopicSpec("t", 1, Optional.of((short) 0), Map.of(), String.class))
                .hasMessage("topic t needs a replication factor of at least 1, got 0");
    }
}
