package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.service.TrainerServiceTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code export-samples} on the real broker and registry: the topic's samples as train's JSONL, refused ones counted. */
@WithEmbeddedStack
class ExportSamplesCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesEverySampleUpToTheTopicsEndAndCountsWhatItLeavesOut(EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "export");
        String topic = topics.preferences().name();
        List<WrpoExample> examples = ShoutTask.samples(40, 3);
        TrainerServiceTestSupport.produce(stack, topic, examples.subList(0, 25));
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
            raw.send(new ProducerRecord<>(topic, "nor this".getBytes(StandardCharsets.UTF_8)))
                    .get();
            raw.send(new ProducerRecord<>(topic, (byte[]) null)).get();
        }
        TrainerServiceTestSupport.produce(stack, topic, examples.subList(25, 40));
        TrainerServiceTestSupport.produce(stack, topic, examples.subList(0, 5)); // the stream repeats unchanged samples
        Path file = dir.resolve("out").resolve("samples.jsonl");

        StringWriter out = new StringWriter();
        String[] args = {
            "export-samples",
            "--output",
            file.toString(),
            "--bootstrap-servers",
            stack.bootstrapServers(),
            "--schema-registry-url",
            stack.schemaRegistryUrl(),
            "--topic-prefix",
            TrainerServiceTestSupport.prefix(topics),
            "--timeout",
            "30s"
        };
        CommandLine line = TrainerCommand.commandLine(args, Map.of());
        line.setOut(new PrintWriter(out, true));
        int exit = line.execute(args);

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains(
                        "exported 40 samples of " + topic,
                        "left out 2: DESERIALIZATION_FAILED",
                        "left out 1: MISSING_FIELD", // the tombstone, as the trainer's intake names it
                        "left out 5: REPEATED_SAMPLE_ID");
        List<WrpoExample> read = WrpoExampleJsonl.read(file);
        assertThat(read)
                .extracting(
                        WrpoExample::sampleId, WrpoExample::prompt, WrpoExample::sourceChosen, WrpoExample::rejected)
                .containsExactlyInAnyOrderElementsOf(examples.stream()
                        .map(e -> tuple(e.sampleId(), e.prompt(), e.sourceChosen(), e.rejected()))
                        .toList());
        assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.partial");

        String[] missing = args.clone();
        missing[8] = "nobody-";
        missing[10] = "2s";
        StringWriter err = new StringWriter();
        CommandLine again = TrainerCommand.commandLine(missing, Map.of());
        again.setErr(new PrintWriter(err, true));
        assertThat(again.execute(missing)).isNotZero();
        assertThat(err.toString()).contains("nobody-").contains("does not exist");
        assertThat(Files.readAllLines(file)).hasSize(40);
        assertThat(dir.resolve("out"))
                .as("a failed export leaves no partial file")
                .isDirectoryNotContaining("glob:**.partial");
    }
}
