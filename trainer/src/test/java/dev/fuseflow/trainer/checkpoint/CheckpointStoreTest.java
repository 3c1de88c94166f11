package dev.fuseflow.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    @TempDir
    Path dir;

    private static void content(Path folder, String text) throws IOException {
        Files.writeString(folder.resolve("state.txt"), text);
    }

    @Test
    void checkpointsAppearWholeAreListedInStepOrderAndPrunedBeyondRetention() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 2);
        assertThat(store.newest()).isEmpty();
        for (long step : new long[] {5, 10, 20}) {
            store.write(step, folder -> content(folder, "at " + step));
        }
        assertThat(store.list())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("step-000000010", "step-000000020");
        assertThat(Files.readString(store.newest().orElseThrow().resolve("state.txt")))
                .isEqualTo("at 20");
        assertThat(CheckpointStore.step(store.newest().orElseThrow())).isEqualTo(20);
        assertThatThrownBy(() -> store.write(20, folder -> content(folder, "again")))
                .hasMessageContaining("steps must increase");
    }

    @Test
    void aCrashWhileWritingLeavesThePreviousCheckpointNewestAndNoLeftovers() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.write(1, folder -> content(folder, "good"));
        assertThatThrownBy(() -> store.write(2, folder -> {
                    content(folder, "half");
                    throw new IOException("disk full");
                }))
                .hasMessage("disk full");
        assertThat(store.newest().orElseThrow().getFileName().toString()).isEqualTo("step-000000001");
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).hasSize(1);
        }
        // A process killed mid-write leaves a partial folder; the next start removes it.
        Files.createDirectories(dir.resolve("step-000000003.partial-1234"));
        content(dir.resolve("step-000000003.partial-1234"), "torn");
        CheckpointStore reopened = new CheckpointStore(dir, 3);
        assertThat(reopened.newest().orElseThrow().getFileName().toString()).isEqualTo("step-000000001");
        assertThat(dir.resolve("step-000000003.partial-1234")).doesNotExist();
    }

    @Test
    void writeAtomicallyReplacesAWholeFolder() throws IOException {
        Path target = dir.resolve("model");
        CheckpointStore.writeAtomically(target, folder -> {
            content(folder, "v1");
            Files.writeString(folder.resolve("only-in-v1"), "x");
        });
        CheckpointStore.writeAtomically(target, folder -> content(folder, "v2"));
        assertThat(Files.readString(target.resolve("state.txt"))).isEqualTo("v2");
        assertThat(target.resolve("only-in-v1")).doesNotExist();
        assertThatThrownBy(() -> new CheckpointStore(dir.resolve("c"), 0))
                .hasMessageContaining("at least 1 checkpoint");
    }
}
