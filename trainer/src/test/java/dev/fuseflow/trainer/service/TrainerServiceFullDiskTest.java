package dev.fuseflow.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fuseflow.embedded.EmbeddedStack;
import dev.fuseflow.embedded.junit.WithEmbeddedStack;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.audit.CheckpointLineage;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.RunStateCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's run folder on a real, small tmpfs that fills up during training: the checkpoint
 * that does not fit fails, the previous one stays whole, and a restart with room again continues
 * from it without losing or repeating a sample. Needs permission to mount (root in a container
 * that allows it); skipped with a message otherwise.
 */
@WithEmbeddedStack
class TrainerServiceFullDiskTest {

    @TempDir
    Path dir;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCheckpointThatDoesNotFitLeavesThePreviousOneValidAndARestartContinuesFromIt(EmbeddedStack stack)
            throws Exception {
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small.toString())
                .redirectErrorStream(true)
                .start();
        boolean ok = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(
                ok,
                "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): "
                        + new String(mount.getInputStream().readAllBytes()).trim()
                        + "; CheckpointStoreTest covers a failing write instead");
        mounted = small;

        FuseFlowTopics topics = TrainerServiceTestSupport.provision(stack, "disk");
        List<WrpoExample> examples = ShoutTask.samples(400, 8);
        TrainerServiceTestSupport.produce(stack, topics.preferences().name(), examples);
        Path model = dir.resolve("start");
        FreshModel.LLAMA_TINY.write(model, 1);
        String group = "t-" + UUID.randomUUID();
        TrainerService.Settings onSmallDisk = settings(model, small.resolve("run"), topics);
        try (TrainerService service =
                TrainerService.open(onSmallDisk, TrainerServiceTestSupport.intake(stack, group, topics))) {
            assertThatThrownBy(() -> service.run(Long.MAX_VALUE, Duration.ofSeconds(20)))
                    .isInstanceOf(IOException.class)
                    .hasStackTraceContaining("No space left on device");
        }
        List<Path> complete = CheckpointStore.complete(small.resolve("run/checkpoints"));
        assertThat(complete).as("checkpoints written before the disk filled").isNotEmpty();
        RunState survivor = RunStateCodec.read(complete.get(complete.size() - 1));
        assertThat(survivor.position().offsets().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isBetween(1L, 399L);

        // An operator makes room (here: moves the run folder to a disk with space) and starts the trainer again.
        Path roomy = dir.resolve("roomy");
        copy(small.resolve("run"), roomy.resolve("run"));
        try (TrainerService service = TrainerService.open(
                settings(model, roomy.resolve("run"), topics),
                TrainerServiceTestSupport.intake(stack, group, topics))) {
            service.run(Long.MAX_VALUE, Duration.ofSeconds(5));
        }
        assertThat(CheckpointLineage.trainedSampleIds(roomy.resolve("run/checkpoints")))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        examples.stream().map(WrpoExample::sampleId).toList());
    }

    private static TrainerService.Settings settings(Path model, Path run, FuseFlowTopics topics) {
        return TrainerServiceTestSupport.settings(model, run, topics, 16, 5, 2, 1000);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
