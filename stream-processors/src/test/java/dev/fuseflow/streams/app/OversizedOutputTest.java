package dev.fuseflow.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.runtime.config.Settings;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.streams.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output record too large to send is dead-lettered before it reaches the producer: a record the
 * broker refuses would abort the transaction on every retry. The application goes on.
 */
@WithEmbeddedStack
class OversizedOutputTest {

    @TempDir
    Path stateDir;

    @Test
    void aSampleAboveTheOutputLimitIsDeadLetteredOnceAndTheRestFlows(EmbeddedStack stack) throws Exception {
        PipelineHarness harness = new PipelineHarness(stack, "it-oversized");
        Workload workload =
                Workload.generate(harness.topics, 2, 0, PipelineHarness.MAX_TEXT_BYTES, PipelineHarness.WINDOW, 5);
        List<Workload.Event> events = workload.events().stream()
                .filter(e -> e.key().startsWith("prompt-"))
                .toList();
        int completing = 0;
        for (int i = 0; i < events.size(); i++) {
            Workload.Event e = events.get(i);
            if (e.key().equals("prompt-1")) {
                completing = i;
                if (e.value() instanceof GenerationEvent g) {
                    g.setResponse("z".repeat(1_000));
                }
            }
        }
        Map<String, String> settings = harness.settings(stateDir, "it-oversized");
        settings.put("fuseflow.limits.max-output-bytes", "2000");

        try (StreamProcessorApp app = StreamProcessorApp.start(StreamProcessorConfig.from(Settings.of(settings)))) {
            List<RecordMetadata> sent = harness.produce(events);
            List<ConsumerRecord<String, DeadLetter>> letters = harness.deadLetters(1, Duration.ofSeconds(60));
            List<ConsumerRecord<String, PreferenceSample>> samples = harness.samples(1, Duration.ofSeconds(30));

            assertThat(letters).hasSize(1);
            DeadLetter letter = letters.get(0).value();
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
            assertThat(letter.getMessage()).contains("of prompt 'prompt-1'").contains("max-output-bytes 2000");
            assertThat(letter.getSourceTopic()).isEqualTo(sent.get(completing).topic());
            assertThat(letter.getSourceOffset()).isEqualTo(sent.get(completing).offset());
            assertThat(samples).extracting(ConsumerRecord::key).containsExactly("prompt-0");
            assertThat(app.streams().state().isRunningOrRebalancing()).isTrue();
        }
    }
}
