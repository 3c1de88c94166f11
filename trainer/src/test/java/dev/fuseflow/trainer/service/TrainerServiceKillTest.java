package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.process.ChildJvm;
import dev.fuseflow.embedded.process.JavaCommand;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.audit.CheckpointLineage;
import dev.fuseflow.trainer.cli.TrainerCommand;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.FreshModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once promise under crashes: a child-JVM trainer ({@code fuseflow-trainer serve}) is
 * killed with SIGKILL at random moments ten times and restarted each time; at the end the audit
 * along the checkpoint lineage holds every produced sample exactly once.
 */
@WithEmbeddedStack
class TrainerServiceKillTest {

    private static final int SAMPLES = 1_200;
    private static final int KILLS = 10;

    @TempDir
    Path dir;

    @Test
    void tenSigkillsLoseNothingAndTrainNothingTwice(EmbeddedStack stack) throws Exception {
        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "kill");
        String prefix = TrainerServiceTestSupport.prefix(topics);
        List<WrpoExample> examples = ShoutTask.samples(SAMPLES, 13);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), examples);
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
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
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
                "100000",
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
            // At a random moment of training: mid-update, mid-checkpoint, between checkpoint and commit.
            Thread.sleep(200 + random.nextInt(2_500));
            trainer.kill();
            progress.add(CheckpointLineage.coveredOffsets(run.resolve("checkpoints")));
        }
        trainer.start();
        long deadline = System.nanoTime() + 240_000_000_000L;
        while (CheckpointLineage.coveredOffsets(run.resolve("checkpoints")) < SAMPLES && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        trainer.stop();
        System.out.printf("samples covered by the newest checkpoint after each of %d SIGKILLs: %s%n", KILLS, progress);

        assertThat(progress).as("training moved on between kills").isSorted();
        assertThat(progress.get(progress.size() - 1))
                .as("progress %s", progress)
                .isPositive();
        List<String> trained = CheckpointLineage.trainedSampleIds(run.resolve("checkpoints"));
        assertThat(trained)
                .as("every sample trained exactly once across %d SIGKILLs (progress %s)", KILLS, progress)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        examples.stream().map(WrpoExample::sampleId).toList());
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
