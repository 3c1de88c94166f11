package dev.fuseflow.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.runtime.config.FuseFlowVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What every service's /metrics carries besides its own meters: the build, the JVM and its Kafka clients. */
class ServiceMetersTest {

    /** Clients of a broker that is not there: they have their metrics from construction on, before any connection. */
    private static final Map<String, Object> NO_BROKER = Map.of("bootstrap.servers", "127.0.0.1:9");

    @Test
    void theEndpointServesBuildInfoJvmMetricsAndTheBoundKafkaClients() throws Exception {
        String scraped;
        try (ServiceMeters meters = ServiceMeters.start("test-service");
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                        Map.of("bootstrap.servers", "127.0.0.1:9", "client.id", "tested-consumer"),
                        new StringDeserializer(),
                        new StringDeserializer());
                KafkaProducer<String, String> producer =
                        new KafkaProducer<>(NO_BROKER, new StringSerializer(), new StringSerializer())) {
            meters.bindKafkaClient(consumer);
            meters.bindKafkaClient(producer);
            try (OpsHttpServer http = OpsHttpServer.start(
                    OpsHttpServer.LOOPBACK, 0, meters.registry(), () -> new OpsHttpServer.Health(true, "up"))) {
                scraped = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            }
            producer.close(Duration.ZERO);
        }
        assertThat(scraped)
                .contains(
                        "fuseflow_build_info{java_version=\"" + System.getProperty("java.runtime.version")
                                + "\",service=\"test-service\",version=\"" + FuseFlowVersion.version() + "\"} 1",
                        "jvm_memory_used_bytes{area=\"heap\"",
                        "jvm_gc_memory_allocated_bytes_total",
                        "jvm_threads_live_threads",
                        "jvm_classes_loaded_classes",
                        "process_cpu_usage",
                        "process_uptime_seconds",
                        "kafka_consumer_connection_count{client_id=\"tested-consumer\"",
                        "kafka_producer_record_send_total{");
    }
}
