package dev.fuseflow.runtime.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.topics.TopicSpec;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The catalogue's topics on a real broker: created once with their partitions and configs, mismatches reported. */
@WithEmbeddedStack
class TopicProvisionerTest {

    @Test
    void createsEveryMissingTopicAsSpecifiedAndNothingTheSecondTime(EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(name -> "provision." + name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            TopicProvisioner.Report report = new TopicProvisioner(admin).ensure(topics.all());
            assertThat(report.created())
                    .containsExactlyElementsOf(
                            topics.all().stream().map(TopicSpec::name).toList());
            assertThat(report.mismatches()).isEmpty();
            assertThat(new TopicProvisioner(admin).ensure(topics.all()).created())
                    .isEmpty();

            String versions = topics.modelVersions().name();
            TopicDescription description = admin.describeTopics(List.of(versions))
                    .allTopicNames()
                    .get()
                    .get(versions);
            assertThat(description.partitions()).hasSize(topics.modelVersions().partitions());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, versions);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                    .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void anExistingTopicWithFewerPartitionsIsAMismatchNotAFailure(EmbeddedStack stack) throws Exception {
        TopicSpec feedback = FuseFlowTopics.defaults().feedback().withName("provision.narrow.feedback");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(feedback.name(), 1, (short) 1)))
                    .all()
                    .get();
            // The provisioner compares topics the broker lists; its metadata follows creation a little later.
            await().until(() -> admin.listTopics().names().get().contains(feedback.name()));
            TopicProvisioner.Report report = new TopicProvisioner(admin).ensure(List.of(feedback));
            assertThat(report.created()).isEmpty();
            assertThat(report.mismatches())
                    .containsExactly(feedback.name() + " has 1 partitions, the spec asks for " + feedback.partitions()
                            + "; raise them with kafka-topics --alter if the key distribution allows");
        }
    }
}
