package dev.fuseflow.producers.importer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.producers.TopicReader;
import dev.fuseflow.runtime.topics.TopicProvisioner;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import dev.fuseflow.schemas.avro.ModelRole;
import dev.fuseflow.schemas.avro.RewardScore;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The importer against the real broker and registry: good and bad lines, both formats, a resumed run. */
@WithEmbeddedStack
class ImportCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    private static Run importFile(EmbeddedStack stack, String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
                "--topic-prefix",
                prefix,
                "--window",
                "4"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = ImportCommand.commandLine(all.toArray(String[]::new), Map.of());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e.getMessage());
            return 2;
        });
        int exit = line.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String prefix(EmbeddedStack stack) throws Exception {
        String prefix = "imp-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
            new TopicProvisioner(admin).ensure(List.of(topics.generations(), topics.feedback()));
        }
        return prefix;
    }

    private static List<String> fuseflowLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"kind\":\"generation\",\"eventId\":\"g-" + i + "\",\"promptId\":\"p-" + i + "\","
                    + "\"prompt\":[{\"role\":\"user\",\"content\":\"question " + i + "\"}],\"response\":\"answer " + i
                    + "\","
                    + "\"model\":{\"name\":\"m\",\"role\":\"SOURCE\"}}");
            lines.add("{\"kind\":\"feedback\",\"promptId\":\"p-" + i + "\",\"generationId\":\"g-" + i + "\","
                    + "\"signal\":{\"type\":\"rating\",\"value\":4,\"scaleMin\":1,\"scaleMax\":5},"
                    + "\"giver\":{\"kind\":\"END_USER\",\"id\":\"u\"}}");
            if (i == 3) {
                lines.add("this is not json");
            }
            if (i == 5) {
                lines.add(
                        "{\"kind\":\"feedback\",\"promptId\":\"p-5\",\"generationId\":\"g-5\",\"signal\":{\"type\":\"rating\","
                                + "\"value\":9,\"scaleMin\":1,\"scaleMax\":5},\"giver\":{\"kind\":\"END_USER\"}}");
            }
            if (i == 7) {
                lines.add(
                        "{\"kind\":\"generation\",\"prompt\":[{\"role\":\"robot\",\"content\":\"x\"}],\"response\":\"a\","
                                + "\"model\":{\"name\":\"m\",\"role\":\"SOURCE\"}}");
            }
        }
        return lines;
    }

    @Test
    void goodLinesArriveOnceBadOnesAreRejectedWithLineNumbersAndARerunResumes(EmbeddedStack stack) throws Exception {
        String prefix = prefix(stack);
        Path input = dir.resolve("events.jsonl");
        Files.write(input, fuseflowLines());

        Run first = importFile(stack, prefix, "--input", input.toString(), "--limit", "10");
        assertThat(first.exit()).as(first.err()).isEqualTo(1);
        assertThat(first.out()).contains("rejected 1", "skipped 0 already imported");
        JsonNode state = new ObjectMapper()
                .readTree(dir.resolve("events.jsonl.import-state.json").toFile());
        assertThat(state.get("linesDone").asLong()).isEqualTo(10);

        Run second = importFile(stack, prefix, "--input", input.toString());
        assertThat(second.out()).contains("skipped 10 already imported", "of 27 lines");
        Run third = importFile(stack, prefix, "--input", input.toString());
        assertThat(third.exit()).isZero();
        assertThat(third.out()).contains("imported 0 lines", "skipped 27 already imported");

        List<String> rejects = Files.readAllLines(dir.resolve("events.jsonl.rejects.jsonl"));
        assertThat(rejects).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        assertThat(rejects)
                .extracting(r -> json.readTree(r).get("line").asLong())
                .containsExactly(9L, 14L, 19L);
        assertThat(json.readTree(rejects.get(0)).get("error").asText()).startsWith("not JSON");
        assertThat(json.readTree(rejects.get(1)).get("error").asText())
                .contains("signal.value", "outside the rating scale");
        assertThat(json.readTree(rejects.get(2)).get("error").asText())
                .contains(
                        "field 'promptId' is missing",
                        "field 'prompt[0].role' must be one of SYSTEM, USER, ASSISTANT, TOOL; was 'robot'");

        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
        List<ConsumerRecord<String, SpecificRecord>> generations = TopicReader.readAll(
                stack, stack.bootstrapServers(), topics.generations().name(), 12);
        List<ConsumerRecord<String, SpecificRecord>> feedback = TopicReader.readAll(
                stack, stack.bootstrapServers(), topics.feedback().name(), 12);
        assertThat(generations)
                .extracting(r -> ((GenerationEvent) r.value()).getEventId())
                .as("each once")
                .hasSize(12)
                .doesNotHaveDuplicates();
        assertThat(feedback)
                .extracting(r -> ((FeedbackEvent) r.value()).getEventId())
                .hasSize(12)
                .doesNotHaveDuplicates();
        assertThat(feedback).allMatch(r -> r.key().equals(((FeedbackEvent) r.value()).getPromptId()));
    }

    @Test
    void ultraFeedbackRecordsBecomeGenerationsAndRewardScoresWithStableIds(EmbeddedStack stack) throws Exception {
        String prefix = prefix(stack);
        Path input = dir.resolve("uf.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add("{\"source\":\"test\",\"instruction\":\"Explain " + i + "\",\"completions\":["
                    + "{\"model\":\"big\",\"response\":\"good " + i + "\",\"overall_score\":8.5},"
                    + "{\"model\":\"mine\",\"response\":\"ok " + i + "\",\"overall_score\":6},"
                    + "{\"model\":\"small\",\"response\":\"bad " + i + "\",\"overall_score\":null}]}");
        }
        lines.add("{\"instruction\":\"no completions\"}");
        Files.write(input, lines);

        Run run = importFile(
                stack,
                prefix,
                "--input",
                input.toString(),
                "--format",
                "ULTRAFEEDBACK",
                "--target-model",
                "mine",
                "--target-version",
                "2",
                "--scorer",
                "armo@1");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("(15 generations, 10 feedback events), rejected 1");

        FuseFlowTopics topics = FuseFlowTopics.defaults().renamed(n -> prefix + n);
        List<GenerationEvent> generations =
                TopicReader.readAll(
                                stack,
                                stack.bootstrapServers(),
                                topics.generations().name(),
                                15)
                        .stream()
                        .map(r -> (GenerationEvent) r.value())
                        .toList();
        assertThat(generations).hasSize(15);
        assertThat(generations)
                .filteredOn(g -> g.getModel().getName().equals("mine"))
                .allMatch(g -> g.getModel().getRole() == ModelRole.TARGET
                        && g.getModel().getTargetVersion() == 2);
        assertThat(generations)
                .filteredOn(g -> g.getModel().getName().equals("big"))
                .allMatch(g -> g.getModel().getRole() == ModelRole.SOURCE);
        List<FeedbackEvent> feedback =
                TopicReader.readAll(
                                stack,
                                stack.bootstrapServers(),
                                topics.feedback().name(),
                                10)
                        .stream()
                        .map(r -> (FeedbackEvent) r.value())
                        .toList();
        assertThat(feedback)
                .hasSize(10)
                .allMatch(f -> ((RewardScore) f.getSignal()).getScorer().equals("armo@1"));
        assertThat(feedback)
                .extracting(FeedbackEvent::getGenerationId)
                .allMatch(
                        id -> generations.stream().anyMatch(g -> g.getEventId().equals(id)));

        // The same file under another state file: the same ids, which the stream processors count once.
        Run again = importFile(
                stack,
                prefix,
                "--input",
                input.toString(),
                "--format",
                "ULTRAFEEDBACK",
                "--target-model",
                "mine",
                "--target-version",
                "2",
                "--scorer",
                "armo@1",
                "--state",
                dir.resolve("other-state.json").toString());
        assertThat(again.exit()).isEqualTo(1);
        List<GenerationEvent> twice =
                TopicReader.readAll(
                                stack,
                                stack.bootstrapServers(),
                                topics.generations().name(),
                                30)
                        .stream()
                        .map(r -> (GenerationEvent) r.value())
                        .toList();
        assertThat(twice).hasSize(30);
        assertThat(twice.stream().map(GenerationEvent::getEventId).distinct().count())
                .isEqualTo(15);
    }
}
