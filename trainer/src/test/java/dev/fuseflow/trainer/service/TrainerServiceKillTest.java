package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import dev.fuseflow.embedded.process.ChildJvm;
import dev.fuseflow.embedded.process.JavaCommand;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.audit.CheckpointLineage;
import dev.fuseflow.trainer.cli.AuditRun;
import dev.fuseflow.trainer.cli.TrainerCommand;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.FreshModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once promise under crashes: a child-JVM trainer ({@code fuseflow-trainer serve}) is
 * killed with SIGKILL at random moments ten times and restarted each time, and its broker is killed
 * and restarted on its data dir once while it trains (issue 21, finding 1); at the end {@code
 * fuseflow-trainer audit} finds every produced sample trained exactly once along the checkpoint
 * lineage, although retention kept only the last few checkpoints (finding 8).
 */
@WithEmbeddedStack
class TrainerServiceKillTest {

    /** Produced before the first start; the rest of {@link #SAMPLES} right after the broker is back. */
    private static final int SAMPLES_BEFORE = 800;

    private static final int SAMPLES = 1_200;
    private static final int KILLS = 10;
    /** The run of serve (counted from 0) during which the broker is killed and restarted. */
    private static final int BROKER_RESTART_DURING = KILLS / 2;
    /** Samples an odd last update may leave to SIGTERM's checkpoint: checkpoint every 2 updates of 4 samples. */
    private static final int LEFT_FOR_THE_LAST_CHECKPOINT = 8;

    private static final int KEEP_CHECKPOINTS = 3;
    private static final Duration BROKER_DOWN = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @Test
    void tenSigkillsAndABrokerRestartLoseNothingAndTrainNothingTwice(EmbeddedStack stack) throws Exception {
        try (ChildProcessKafkaBroker broker =
                ChildProcessKafkaBroker.start(KafkaBrokerConfig.at(dir.resolve("broker")))) {
            killAndRestartAndAudit(broker, stack.schemaRegistryUrl());
        }
    }

    private void killAndRestartAndAudit(ChildProcessKafkaBroker broker, String registryUrl) throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(broker.bootstrapServers(), "kill");
        String prefix = TrainerServiceTestSupport.prefix(topics);
        List<WrpoExample> examples = ShoutTask.samples(SAMPLES, 13);
        TrainerServiceTestSupport.produce(
                broker.bootstrapServers(),
                registryUrl,
                topics.preferences().name(),
                examples.subList(0, SAMPLES_BEFORE));
        Path model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
        Path run = dir.resolve("run");
        List<String> args = List.of(
                "serve",
                "--model",
                model.toString(),
                "--output",
                run.toString(),
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--schema-registry-url",
                registryUrl,
                "--topic-prefix",
                prefix,
                "--group-id",
                "trainer-" + prefix,
                "--micro-batch",
                "4",
                "--max-wait",
                "PT0.3S",
                "--sft-samples",
                "40",
                "--sft-lr",
                "3e-3",
                "--lr",
                "3e-3",
                "--beta",
                "0.1",
                "--checkpoint-every",
                "2",
                "--keep-checkpoints",
                String.valueOf(KEEP_CHECKPOINTS),
                "--max-length",
                "64",
                "--max-prompt-length",
                "48",
                "--schedule-updates",
                "200",
                "--metrics-port",
                "0");
        ChildJvm trainer = new ChildJvm(
                "trainer",
                JavaCommand.of(
                        JavaCommand.currentClasspath(),
                        List.of("-Xmx512m"),
                        Map.of("ai.djl.offline", "true", "ai.djl.pytorch.num_threads", "1"),
                        TrainerCommand.class.getName(),
                        args),
                dir,
                dir.resolve("trainer.log"));
        Random random = new Random(7);
        List<Long> progress = new ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++) {
            trainer.start();
            awaitStarts(dir.resolve("trainer.log"), kill + 1);
            if (kill == BROKER_RESTART_DURING) {
                // The broker dies and comes back on its data dir while serve trains: the group rebalances (finding 1).
                Thread.sleep(1_000);
                broker.kill();
                Thread.sleep(BROKER_DOWN.toMillis());
                broker.restart();
                TrainerServiceTestSupport.produce(
                        broker.bootstrapServers(),
                        registryUrl,
                        topics.preferences().name(),
                        examples.subList(SAMPLES_BEFORE, SAMPLES));
                Thread.sleep(3_000); // serve trains on after the rebalance before it is killed
            }
            // At a random moment of training: mid-update, mid-checkpoint, between checkpoint and commit.
            Thread.sleep(200 + random.nextInt(2_500));
            trainer.kill();
            progress.add(CheckpointLineage.coveredOffsets(run.resolve("checkpoints")));
        }
        trainer.start();
        awaitCovered(run, SAMPLES - LEFT_FOR_THE_LAST_CHECKPOINT, Duration.ofSeconds(240));
        awaitCovered(run, SAMPLES, Duration.ofSeconds(5));
        trainer.stop(); // SIGTERM: the last update is checkpointed too
        System.out.printf("samples covered by the newest checkpoint after each of %d SIGKILLs: %s%n", KILLS, progress);

        assertThat(progress).as("training moved on between kills").isSorted();
        assertThat(progress.get(progress.size() - 1))
                .as("progress %s", progress)
                .isPositive();
        auditFindsEverySampleExactlyOnce(broker.bootstrapServers(), registryUrl, prefix, run, examples);
    }

    /** {@code fuseflow-trainer audit}, as a table for the log and as JSON for the assertions, and the lineage read directly. */
    private void auditFindsEverySampleExactlyOnce(
            String bootstrapServers, String registryUrl, String prefix, Path run, List<WrpoExample> examples)
            throws Exception {
        AuditRun table = AuditRun.of(bootstrapServers, registryUrl, prefix, run);
        System.out.print(table.out());
        AuditRun audit = AuditRun.of(bootstrapServers, registryUrl, prefix, run, "--json");
        JsonNode report = audit.json();
        long repositionings = Files.readString(dir.resolve("trainer.log"))
                .lines()
                .filter(line -> line.contains("positioned where training got"))
                .count();
        System.out.printf(
                "kill + broker-restart audit: samples %d, SIGKILLs of serve %d, broker restarts 1, starts of serve %d,"
                        + " partition repositionings %d, checkpoints %d (%d pruned, keep %d), trained ids %d,"
                        + " duplicates %d, missing %d, unknown %d%n",
                report.at("/topic/samples").asLong(),
                KILLS,
                KILLS + 1,
                repositionings,
                report.at("/lineage/checkpoints").asInt(),
                report.at("/lineage/pruned").asInt(),
                KEEP_CHECKPOINTS,
                report.at("/lineage/trainedIds").asLong(),
                report.at("/duplicates").size(),
                report.at("/missing").size(),
                report.at("/unknown").size());
        assertThat(table.exitCode()).as(table.out() + table.err()).isZero();
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        assertThat(report.at("/exactlyOnce").asBoolean()).isTrue();
        assertThat(report.at("/topic/samples").asLong()).isEqualTo(SAMPLES);
        assertThat(report.at("/lineage/trainedOnce").asLong()).isEqualTo(SAMPLES);
        assertThat(report.at("/topic/notYetCovered").asLong()).isZero();
        assertThat(report.at("/lineage/pruned").asInt())
                .as("the lineage outlived its pruned checkpoints")
                .isGreaterThan(KEEP_CHECKPOINTS);
        List<String> trained = CheckpointLineage.trainedSampleIds(run.resolve("checkpoints"));
        assertThat(trained)
                .as("every sample trained exactly once across %d SIGKILLs and a broker restart", KILLS)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        examples.stream().map(WrpoExample::sampleId).toList());
    }

    /** Waits until the newest checkpoint covers {@code samples} or {@code atMost} passed. */
    private static void awaitCovered(Path run, long samples, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (CheckpointLineage.coveredOffsets(run.resolve("checkpoints")) < samples && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }

    /** Waits until the trainer has logged its start {@code count} times (the JVM and DJL take seconds to come up). */
    private static void awaitStarts(Path log, int count) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).split("training starts at", -1).length - 1 >= count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the trainer did not start within 120 s; see " + log);
    }
}
