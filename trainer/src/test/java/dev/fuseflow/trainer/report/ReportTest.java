package dev.fuseflow.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path dir;

    private static Map<String, Double> metrics(double loss, double margin, double gradNorm) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("rewards/margins", margin);
        m.put("grad_norm", gradNorm);
        return m;
    }

    @Test
    void csvHasAHeaderFromTheFirstRowAndOneLinePerStepWithEmptyCellsForNaN() throws Exception {
        Path file = dir.resolve("run/metrics.csv");
        try (MetricsCsv csv = new MetricsCsv(file)) {
            csv.append(1, "wrpo", metrics(0.69, 0.0, 1.5));
            csv.append(2, "wrpo", metrics(0.5, 0.25, Double.NaN));
            assertThat(Files.readAllLines(file)).as("flushed per row").hasSize(3);
            assertThatThrownBy(() -> csv.append(3, "wrpo", Map.of("loss", 0.1)))
                    .hasMessageContaining("step 3")
                    .hasMessageContaining("columns");
        }
        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "step,stage,loss,rewards/margins,grad_norm",
                        "1,wrpo,0.69000000,0.0000000,1.5000000",
                        "2,wrpo,0.50000000,0.25000000,");
    }

    @Test
    void aResumedRunDropsTheRowsAfterItsCheckpointAndContinuesTheSameFile() throws Exception {
        Path file = dir.resolve("resume.csv");
        try (MetricsCsv csv = new MetricsCsv(file)) {
            for (long step = 1; step <= 5; step++) {
                csv.append(step, "wrpo", Map.of("loss", 1.0 / step));
            }
        }
        try (MetricsCsv csv = MetricsCsv.continuing(file, 3)) {
            csv.append(4, "wrpo", Map.of("loss", 0.5));
        }
        List<MetricsCsv.Row> rows = MetricsCsv.read(file);
        assertThat(rows).extracting(MetricsCsv.Row::step).containsExactly(1L, 2L, 3L, 4L);
        assertThat(rows.get(3).metrics()).containsEntry("loss", 0.5);
        assertThat(rows.get(1).metrics().get("loss")).isEqualTo(0.5);
        try (MetricsCsv csv = MetricsCsv.continuing(dir.resolve("new.csv"), 0)) {
            csv.append(1, "sft", Map.of("loss", 2.0));
        }
        assertThat(MetricsCsv.read(dir.resolve("new.csv"))).hasSize(1);
    }

    @Test
    void curvesArePngChartsOnlyForMetricsThatWereRecorded() throws Exception {
        TrainingCurves curves = new TrainingCurves();
        for (int step = 1; step <= 50; step++) {
            curves.record(step, metrics(Math.exp(-step / 10.0), step / 50.0, 1.0));
        }
        List<Path> written = curves.write(
                dir.resolve("plots"),
                List.of(
                        new TrainingCurves.Chart("loss", "loss", List.of("loss")),
                        new TrainingCurves.Chart("margin", "margin", List.of("rewards/margins")),
                        new TrainingCurves.Chart("accuracy", "accuracy", List.of("rewards/accuracies"))));

        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly("loss.png", "margin.png");
        BufferedImage image = ImageIO.read(written.get(0).toFile());
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(500);
        Set<Integer> colours = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 4) {
            for (int y = 0; y < image.getHeight(); y += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours).as("a drawn chart, not a blank canvas").hasSizeGreaterThan(3);
    }
}
