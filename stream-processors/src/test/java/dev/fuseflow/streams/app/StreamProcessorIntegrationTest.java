package dev.fuseflow.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.streams.workload.Workload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application on the real broker and registry with a mixed workload: every expected sample
 * exactly once, every malformed record in the dead-letter topic with its reason, nothing else.
 */
@WithEmbeddedStack
class StreamProcessorIntegrationTest {

    private static final int GOOD_PROMPTS = 1_700;
    private static final int BAD_PER_KIND = 1_000;

    @TempDir
    Path stateDir;

    @Test
    void mixedWorkloadYieldsEverySampleOnceAndDeadLettersEveryBadRecord(EmbeddedStack stack) throws Exception {
        PipelineHarness harness = new PipelineHarness(stack, "it-mixed");
        Workload workload = Workload.generate(
                harness.topics, GOOD_PROMPTS, BAD_PER_KIND, PipelineHarness.MAX_TEXT_BYTES, PipelineHarness.WINDOW, 42);
        assertThat(workload.events().size() + workload.lateEvents().size()).isGreaterThanOrEqualTo(10_000);

        try (StreamProcessorApp app = StreamProcessorApp.start(harness.config(stateDir, "it-mixed"))) {
            List<RecordMetadata> sent = harness.produce(workload.events());
            long phaseOneBad =
                    workload.events().stream().filter(Workload.Event::isBad).count();
            List<ConsumerRecord<String, PreferenceSample>> samples =
                    harness.samples(GOOD_PROMPTS, Duration.ofSeconds(180));
            List<ConsumerRecord<String, DeadLetter>> phaseOne =
                    harness.deadLetters(phaseOneBad, Duration.ofSeconds(120));
            assertThat(phaseOne).hasSize((int) phaseOneBad);

            List<RecordMetadata> sentLate = harness.produce(workload.lateEvents());
            List<ConsumerRecord<String, DeadLetter>> letters =
                    harness.deadLetters(workload.badCount(), Duration.ofSeconds(60));

            assertEverySampleOnce(workload, samples);
            assertEveryBadRecordDeadLettered(workload, sent, sentLate, letters);
            assertMetricsEndpoint(app);
        }
    }

    private static void assertEverySampleOnce(
            Workload workload, List<ConsumerRecord<String, PreferenceSample>> samples) {
        Map<String, List<PreferenceSample>> byPrompt = samples.stream()
                .collect(Collectors.groupingBy(
                        ConsumerRecord::key,
                        TreeMap::new,
                        Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
        assertThat(byPrompt.keySet()).isEqualTo(workload.expectedSamples().keySet());
        workload.expectedSamples().forEach((prompt, expected) -> {
            assertThat(byPrompt.get(prompt)).as(prompt).hasSize(1);
            PreferenceSample sample = byPrompt.get(prompt).get(0);
            assertThat(sample.getSourceChosen().getGenerationId()).isEqualTo(expected.sourceChosen());
            assertThat(sample.getTargetChosen().getGenerationId()).isEqualTo(expected.targetChosen());
            assertThat(sample.getTargetRejected().getGenerationId()).isEqualTo(expected.targetRejected());
            assertThat(sample.getWeight()).isGreaterThan(0).isLessThanOrEqualTo(1);
        });
    }

    private static void assertEveryBadRecordDeadLettered(
            Workload workload,
            List<RecordMetadata> sent,
            List<RecordMetadata> sentLate,
            List<ConsumerRecord<String, DeadLetter>> letters) {
        Map<String, DeadLetterReason> expected = new HashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            Workload.Event e = workload.events().get(i);
            if (e.isBad()) {
                expected.put(coordinates(sent.get(i)), e.expectedReason());
            }
        }
        for (int i = 0; i < sentLate.size(); i++) {
            expected.put(
                    coordinates(sentLate.get(i)), workload.lateEvents().get(i).expectedReason());
        }
        Map<String, DeadLetterReason> actual = new HashMap<>();
        for (ConsumerRecord<String, DeadLetter> r : letters) {
            DeadLetter d = r.value();
            String where = d.getSourceTopic() + "-" + d.getSourcePartition() + "@" + d.getSourceOffset();
            assertThat(actual.put(where, d.getReason()))
                    .as("dead-lettered twice: " + where)
                    .isNull();
            assertThat(d.getMessage()).isNotBlank();
        }
        assertThat(actual).hasSize(expected.size());
        assertThat(actual).isEqualTo(expected);
        Map<DeadLetterReason, Long> byReason = letters.stream()
                .collect(Collectors.groupingBy(r -> r.value().getReason(), TreeMap::new, Collectors.counting()));
        System.out.println("Dead letters by reason: " + byReason + ", total " + letters.size());
    }

    private static void assertMetricsEndpoint(StreamProcessorApp app) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.metricsPort() + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("fuseflow_samples_emitted_total " + (double) GOOD_PROMPTS)
                .contains("fuseflow_dlq_records_total{reason=\"LATE\"")
                .contains("fuseflow_event_to_sample_latency_seconds_count")
                .contains("fuseflow_prompt_state_entries")
                // The names deploy/prometheus/fuseflow-alerts.yml's Streams rules use.
                .contains("fuseflow_streams_state{state=\"RUNNING\"} 1.0")
                .contains("fuseflow_streams_state{state=\"ERROR\"} 0.0")
                .contains("kafka_stream_alive_stream_threads")
                .contains("kafka_stream_failed_stream_threads_total")
                // What every service exports (ServiceMeters), and the Streams client's consumers and producers.
                .contains("fuseflow_build_info{")
                .contains("service=\"stream-processors\"")
                .contains("jvm_memory_used_bytes{area=\"heap\"")
                .contains("jvm_threads_live_threads")
                .contains("kafka_consumer_fetch_manager_records_consumed_total{")
                .contains("kafka_producer_record_send_total{");
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.metricsPort() + "/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
    }

    private static String coordinates(RecordMetadata m) {
        return m.topic() + "-" + m.partition() + "@" + m.offset();
    }
}
