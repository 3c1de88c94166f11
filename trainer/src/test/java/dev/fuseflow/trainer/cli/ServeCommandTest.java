package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.embedded.process.ChildJvm;
import dev.fuseflow.embedded.process.JavaCommand;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.service.CheckpointLineage;
import dev.fuseflow.trainer.service.TrainerServiceTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), ShoutTask.samples(160, 31));
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
                "1000",
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
    }
}
