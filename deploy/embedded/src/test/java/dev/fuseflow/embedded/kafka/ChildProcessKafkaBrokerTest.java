package dev.fuseflow.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessKafkaBrokerTest {

    @TempDir
    Path dataDir;

    @Test
    void survivesKillMinus9AndRestartsOnTheSameDataDir() throws Exception {
        try (ChildProcessKafkaBroker broker = ChildProcessKafkaBroker.start(KafkaBrokerConfig.at(dataDir))) {
            String clusterIdBefore = clusterId(broker);
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic("durable", 1, (short) 1)))
                        .all()
                        .get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            broker.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all"),
                    new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("durable", "k", "before-crash"))
                        .get();
            }
            long pid = broker.pid();

            broker.kill();

            assertThat(broker.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThatThrownBy(broker::pid)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not running");

            broker.restart();

            assertThat(broker.pid()).isNotEqualTo(pid);
            assertThat(clusterId(broker)).isEqualTo(clusterIdBefore);
            assertThat(readAll(broker, "durable")).containsExactly("before-crash");
        }
        assertThat(Files.readString(dataDir.resolve("broker.log"))).isNotEmpty();
    }

    @Test
    void restartWhileRunningIsRefused() {
        try (ChildProcessKafkaBroker broker = ChildProcessKafkaBroker.start(KafkaBrokerConfig.at(dataDir))) {
            assertThatThrownBy(broker::restart)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still running");
        }
    }

    private static Admin admin(KafkaBroker broker) {
        return Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    private static String clusterId(KafkaBroker broker) throws Exception {
        try (Admin admin = admin(broker)) {
            return admin.describeCluster().clusterId().get();
        }
    }

    private static List<String> readAll(KafkaBroker broker, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "reader",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            List<String> values = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
