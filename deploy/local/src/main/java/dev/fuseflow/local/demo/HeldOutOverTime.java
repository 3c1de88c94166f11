package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.local.demo.DemoComparison.Run;
import dev.fuseflow.trainer.report.BandChart;
import dev.fuseflow.trainer.report.PairedDifference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;

/**
 * The comparison's plot: held-out reward over the demo's minutes, one line per arm (the mean over its seeds of the
 * version each seed was serving at that moment) with dashed lines at ± one standard deviation across seeds, and
 * a vertical mark where the arm's seeds left SFT on average; one panel for the mean over skills, one for add
 * (the skill the hypothesis is about).
 */
final class HeldOutOverTime {

    private static final double STEP_SECONDS = 10;

    private HeldOutOverTime() {}

    /** The reward of the version being served at {@code seconds}: the last one measured at or before it. */
    static double servedAt(List<LearningBoard.Row> served, double seconds, ToDoubleFunction<LearningBoard.Row> reward) {
        double value = Double.NaN;
        for (LearningBoard.Row row : served) {
            if (row.seconds() > seconds) {
                break;
            }
            value = reward.applyAsDouble(row);
        }
        return value;
    }

    /**
     * Mean and sd over {@code runs} (one arm's seeds) every {@value #STEP_SECONDS} s up to {@code seconds}, on an
     * axis of minutes, with the mean minute at which the seeds left SFT.
     */
    static BandChart.Band band(String arm, List<Run> runs, double seconds, ToDoubleFunction<LearningBoard.Row> reward) {
        int points = (int) Math.floor(seconds / STEP_SECONDS) + 1;
        double[] minutes = new double[points];
        double[] mean = new double[points];
        double[] sd = new double[points];
        for (int i = 0; i < points; i++) {
            double t = i * STEP_SECONDS;
            double[] values = runs.stream()
                    .mapToDouble(run -> servedAt(run.served(), t, reward))
                    .filter(Double::isFinite)
                    .toArray();
            minutes[i] = t / 60;
            mean[i] = PairedDifference.mean(values);
            sd[i] = PairedDifference.sd(values);
        }
        double switchMinutes = PairedDifference.mean(runs.stream()
                        .mapToDouble(Run::preferenceStageSeconds)
                        .filter(Double::isFinite)
                        .toArray())
                / 60;
        return new BandChart.Band(arm, runs.size(), minutes, mean, sd, switchMinutes);
    }

    /** Writes {@code held-out-over-time.png}; returns it, or nothing where this Java cannot draw. */
    static List<Path> write(Path directory, List<Run> runs, double seconds) throws IOException {
        Map<String, List<Run>> byArm = ComparisonReport.byArm(runs);
        List<XYChart> panels = List.of(
                panel(
                        "Held-out reward, mean over skills",
                        byArm,
                        seconds,
                        row -> row.reward().mean()),
                panel(
                        "Held-out reward on add",
                        byArm,
                        seconds,
                        row -> row.reward().perSkill().getOrDefault(Skill.ADD, Double.NaN)));
        // comparison-versions.csv has the points where this Java cannot draw.
        return BandChart.save(panels, 1, directory.resolve("held-out-over-time.png")).stream()
                .toList();
    }

    private static XYChart panel(
            String title, Map<String, List<Run>> byArm, double seconds, ToDoubleFunction<LearningBoard.Row> reward) {
        List<BandChart.Band> bands = byArm.entrySet().stream()
                .map(arm -> band(arm.getKey(), arm.getValue(), seconds, reward))
                .toList();
        return BandChart.panel(title, "minutes since the demo started", "held-out reward", 450, bands);
    }
}
