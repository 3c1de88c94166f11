package dev.fuseflow.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.process.ChildJvm;
import dev.fuseflow.embedded.process.JavaCommand;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.streams.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the application mid-stream, and killing its process with SIGKILL, then starting it
 * again: state comes back and the output has no duplicates and no gaps.
 */
@WithEmbeddedStack
class StreamProcessorRestartTest {

    private static final int GOOD_PROMPTS = 600;
    private static final int BAD_PER_KIND = 20;
    private static final int KILL_PROMPTS = 3_000;

    @TempDir
    Path stateDir;

    @Test
    void aCleanStopMidStreamLosesAndRepeatsNothing(EmbeddedStack stack) throws Exception {
        PipelineHarness harness = new PipelineHarness(stack, "it-stop");
        Workload workload = Workload.generate(
                harness.topics, GOOD_PROMPTS, BAD_PER_KIND, PipelineHarness.MAX_TEXT_BYTES, PipelineHarness.WINDOW, 7);
        List<Workload.Event> events = workload.events();
        int half = events.size() / 2;

        try (StreamProcessorApp app = StreamProcessorApp.start(harness.config(stateDir, "it-stop"))) {
            harness.produce(events.subList(0, half));
            harness.awaitSamples(1, Duration.ofSeconds(60));
        }
        try (StreamProcessorApp app = StreamProcessorApp.start(harness.config(stateDir, "it-stop"))) {
            harness.produce(events.subList(half, events.size()));
            harness.produce(workload.lateEvents());
            assertExactlyOnce(harness, workload);
        }
    }

    @Test
    void aKilledProcessLosesAndRepeatsNothing(EmbeddedStack stack) throws Exception {
        PipelineHarness harness = new PipelineHarness(stack, "it-kill");
        Workload workload = Workload.generate(
                harness.topics, KILL_PROMPTS, BAD_PER_KIND, PipelineHarness.MAX_TEXT_BYTES, PipelineHarness.WINDOW, 11);
        ChildJvm child = childApplication(harness, stateDir);
        child.start();
        try {
            harness.produce(workload.events());
            // Kill while it is mid-way: some samples are out, most are not.
            int outBeforeKill = harness.awaitSamples(KILL_PROMPTS / 10, Duration.ofSeconds(120));
            child.kill();
            assertThat(child.isAlive()).isFalse();
            assertThat(outBeforeKill).isLessThan(KILL_PROMPTS);

            child.start();
            harness.produce(workload.lateEvents());
            assertExactlyOnce(harness, workload);
        } finally {
            child.stop();
        }
    }

    private static ChildJvm childApplication(PipelineHarness harness, Path stateDir) {
        List<String> args = new ArrayList<>(List.of("--exit-when-parent-exits"));
        harness.settings(stateDir.resolve("state"), "it-kill").forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        List<String> command = JavaCommand.of(
                JavaCommand.currentClasspath(),
                List.of("-Xmx384m"),
                Map.of(),
                StreamProcessorCommand.class.getName(),
                args);
        return new ChildJvm("stream processor", command, stateDir, stateDir.resolve("app.log"));
    }

    private static void assertExactlyOnce(PipelineHarness harness, Workload workload) {
        List<ConsumerRecord<String, PreferenceSample>> samples =
                harness.samples(workload.expectedSamples().size(), Duration.ofSeconds(180));
        Map<String, Long> perPrompt =
                samples.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(perPrompt.keySet()).isEqualTo(workload.expectedSamples().keySet());
        assertThat(perPrompt.values()).allMatch(n -> n == 1);
        List<ConsumerRecord<String, DeadLetter>> letters =
                harness.deadLetters(workload.badCount(), Duration.ofSeconds(120));
        Map<String, Long> perSource = letters.stream()
                .collect(Collectors.groupingBy(
                        r -> r.value().getSourceTopic() + "-" + r.value().getSourcePartition() + "@"
                                + r.value().getSourceOffset(),
                        Collectors.counting()));
        assertThat(perSource).hasSize((int) workload.badCount());
        assertThat(perSource.values()).allMatch(n -> n == 1);
    }
}
