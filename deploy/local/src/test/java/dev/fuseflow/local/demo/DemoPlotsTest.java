package dev.fuseflow.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.trainer.report.TrainingCurves;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plots operations.md promises are written by a default run, which never leaves SFT in 10 minutes: the margins
 * chart is then drawn empty, saying so, instead of missing.
 */
class DemoPlotsTest {

    @TempDir
    Path dir;

    @Test
    void anSftOnlyRunStillWritesTheMarginsChart() throws Exception {
        TrainingCurves sftOnly = new TrainingCurves();
        sftOnly.record(1, Map.of("loss", 2.5));
        sftOnly.record(2, Map.of("loss", 2.1));

        List<Path> written = DemoRun.writeTrainerCurves(dir, sftOnly);

        assertThat(written).containsExactly(dir.resolve("trainer-loss.png"), dir.resolve("trainer-margins.png"));
        assertThat(ImageIO.read(dir.resolve("trainer-margins.png").toFile()).getWidth())
                .isEqualTo(800);
        assertThat(Files.size(dir.resolve("trainer-margins.png"))).isPositive();
    }
}
