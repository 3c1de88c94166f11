package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.process.ChildJvm;
import dev.fuseflow.embedded.process.JavaCommand;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.audit.CheckpointLineage;
import dev.fuseflow.trainer.checkpoint.TrainedLedger;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.service.TrainerServiceTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fuseflow-trainer serve} as an operator runs it: a child JVM with a fresh model and the eval gate on, stopped by SIGTERM. */
@WithEmbeddedStack
class ServeCommandTest {

    @TempDir
    Path dir;

    @Test
    void serveTrainsFromTheTopicPublishesVersionsAndCheckpointsOnSigterm(EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "serve");
        String prefix = TrainerServiceTestSupport.prefix(topics);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), ShoutTask.samples(80, 31));
        produceGarbage(stack, topics.preferences().name()); // dead-lettered by serve, accounted for by the audit
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), ShoutTask.samples(80, 32));
        Path run = dir.resolve("run");
        List<String> args = List.of(
                "serve",
                "--fresh-model",
                "LLAMA_TINY",
                "--output",
                run.toString(),
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
                "--topic-prefix",
                prefix,
                "--group-id",
                "serve-" + prefix,
                "--micro-batch",
                "8",
                "--max-wait",
                "PT0.3S",
                "--sft-samples",
                "24",
                "--sft-lr",
                "3e-3",
                "--lr",
                "3e-3",
                "--beta",
                "0.1",
                "--checkpoint-every",
                "4",
                "--keep-checkpoints",
                "2",
                "--max-length",
                "64",
                "--max-prompt-length",
                "48",
                "--eval-bucket",
                "20",
                "--eval-every",
                "4",
                "--model-name",
                "shout",
                "--metrics-port",
                "0");
        ChildJvm serve = new ChildJvm(
                "serve",
                JavaCommand.of(
                        JavaCommand.currentClasspath(),
                        List.of("-Xmx512m"),
                        Map.of("ai.djl.offline", "true", "ai.djl.pytorch.num_threads", "1"),
                        TrainerCommand.class.getName(),
                        args),
                dir,
                dir.resolve("serve.log"));
        serve.start();
        ModelStore store = new ModelStore(run.resolve("store"));
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (store.versions("shout").size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        serve.stop();

        assertThat(store.versions("shout"))
                .as(
                        Files.exists(dir.resolve("serve.log"))
                                ? Files.readString(dir.resolve("serve.log"))
                                        .lines()
                                        .filter(l -> l.contains("ERROR") || l.contains("Exception"))
                                        .limit(5)
                                        .toList()
                                        .toString()
                                : "no log")
                .hasSizeGreaterThanOrEqualTo(2);
        for (ModelStore.Stored version : store.versions("shout")) {
            assertThat(ModelStore.verify(version)).isEmpty();
            assertThat(version.manifest().provenance().trainedFrom()).isEqualTo("fresh model LLAMA_TINY");
            assertThat(version.manifest().provenance().hyperparameters())
                    .as("the options serve was started with")
                    .containsEntry("lr", "0.003")
                    .containsEntry("beta", "0.1")
                    .containsEntry("micro-batch", "8");
            assertThat(version.manifest().provenance().codeVersion()).startsWith("fuseflow ");
        }
        assertThat(run.resolve("start-model/config.json")).isRegularFile();
        assertThat(CheckpointLineage.trainedSampleIds(run.resolve("checkpoints")))
                .isNotEmpty()
                .doesNotHaveDuplicates();
        auditFindsExactlyOnceThenTheDuplicateATamperedLedgerHolds(stack, prefix, run);
    }

    /** The audit of the stopped run (2 checkpoints kept of many), then of its ledger with one id written twice. */
    private static void auditFindsExactlyOnceThenTheDuplicateATamperedLedgerHolds(
            EmbeddedStack stack, String prefix, Path run) throws Exception {
        AuditRun audit = AuditRun.of(
                stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix, run, "--eval-bucket", "20", "--json");
        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
        JsonNode report = audit.json();
        assertThat(report.at("/topic/records").asLong()).isEqualTo(161);
        assertThat(report.at("/topic/samples").asLong()).isEqualTo(160);
        assertThat(report.at("/topic/deadLettered").asLong()).isEqualTo(1);
        assertThat(report.at("/topic/heldOut").asLong()).isPositive();
        assertThat(report.at("/lineage/pruned").asInt()).isPositive();
        assertThat(report.at("/lineage/trainedOnce").asLong())
                .isEqualTo(report.at("/lineage/trainedIds").asLong())
                .isEqualTo(161
                        - report.at("/topic/deadLettered").asLong()
                        - report.at("/topic/heldOut").asLong()
                        - report.at("/topic/notYetCovered").asLong());

        AuditRun withoutTheBucket =
                AuditRun.of(stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix, run, "--json");
        assertThat(withoutTheBucket.exitCode())
                .as("held-out samples count as missing when the audit is not told serve's eval bucket")
                .isEqualTo(AuditCommand.NOT_EXACTLY_ONCE);

        AuditRun wrongPrefix = AuditRun.of(
                stack.bootstrapServers(), stack.schemaRegistryUrl(), "no-such-prefix.", run, "--timeout", "10s");
        assertThat(wrongPrefix.exitCode()).isEqualTo(2);
        assertThat(wrongPrefix.err()).contains("topic no-such-prefix.fuseflow.preferences.v1 does not exist");
        AuditRun notARun =
                AuditRun.of(stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix, run.resolve("store"));
        assertThat(notARun.exitCode()).isEqualTo(2);
        assertThat(notARun.err()).contains("is not a run folder: it has no checkpoints");

        Path checkpoints = run.resolve("checkpoints");
        List<CheckpointLineage.Link> lineage = CheckpointLineage.of(checkpoints);
        String first = lineage.get(0).checkpoint();
        String twice = lineage.get(lineage.size() - 1).trainedSamples().get(0);
        TrainedLedger.Entry entry = TrainedLedger.read(checkpoints, first).orElseThrow();
        List<String> tampered = new ArrayList<>(entry.trainedSamples());
        tampered.add(twice);
        TrainedLedger.write(checkpoints, new TrainedLedger.Entry(first, entry.parent(), entry.offsets(), tampered));

        AuditRun found =
                AuditRun.of(stack.bootstrapServers(), stack.schemaRegistryUrl(), prefix, run, "--eval-bucket", "20");
        assertThat(found.exitCode()).isEqualTo(AuditCommand.NOT_EXACTLY_ONCE);
        assertThat(found.out())
                .contains("NOT EXACTLY ONCE")
                .containsPattern("duplicates +1\\n")
                .contains(twice + " in " + first + ", "
                        + lineage.get(lineage.size() - 1).checkpoint());
    }

    private static void produceGarbage(EmbeddedStack stack, String topic) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(
                    new ProducerRecord<>(topic, "garbage", "not a PreferenceSample".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
    }
}
