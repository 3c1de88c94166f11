package dev.fuseflow.local.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.local.demo.DemoComparison.Run;
import dev.fuseflow.trainer.report.BandChart;
import dev.fuseflow.trainer.report.PairedDifference;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's decisions on their own: the paired statistics, the served version over time, the files. */
class DemoComparisonTest {

    @TempDir
    Path dir;

    @Test
    void thePairedDifferenceUsesTheSeedsBothArmsRanAndItsStandardError() {
        PairedDifference d = PairedDifference.of(
                "WRPO",
                Map.of(1L, 0.60, 2L, 0.70, 3L, 0.65, 4L, 0.90),
                "SFT+DPO",
                Map.of(1L, 0.50, 2L, 0.62, 3L, 0.60));

        assertThat(d.differences()).containsOnlyKeys(1L, 2L, 3L);
        assertThat(d.mean()).isCloseTo((0.10 + 0.08 + 0.05) / 3, within(1e-12));
        // sd of (0.10, 0.08, 0.05) = 0.025166; 2 * sd / sqrt(3) = 0.029059
        assertThat(d.twoStandardErrors()).isCloseTo(0.029059, within(1e-5));
        assertThat(d.exceedsTwoStandardErrors()).isTrue();
        // The arms' own spreads are larger than the spread of their difference: pairing is what separates them.
        assertThat(d.twoStandardErrorsUnpaired()).isGreaterThan(d.twoStandardErrors());
    }

    @Test
    void aDifferenceWithinTwoStandardErrorsIsNotAClaim() {
        PairedDifference d = PairedDifference.of(
                "WRPO", Map.of(1L, 0.60, 2L, 0.50, 3L, 0.70), "SFT+DPO", Map.of(1L, 0.55, 2L, 0.56, 3L, 0.66));

        assertThat(d.mean()).isPositive();
        assertThat(d.exceedsTwoStandardErrors()).isFalse();
        assertThat(PairedDifference.of("a", Map.of(1L, 1.0), "b", Map.of(1L, 0.0))
                        .twoStandardErrors())
                .as("one seed has no spread to judge by")
                .isNaN();
    }

    @Test
    void theServedVersionAtAMomentIsTheLastOneMeasuredBeforeIt() {
        List<LearningBoard.Row> served = List.of(row(0, 0, 0.1, false), row(3, 60, 0.4, false), row(5, 200, 0.6, true));

        assertThat(HeldOutOverTime.servedAt(served, 0, r -> r.reward().mean())).isEqualTo(0.1);
        assertThat(HeldOutOverTime.servedAt(served, 59.9, r -> r.reward().mean()))
                .isEqualTo(0.1);
        assertThat(HeldOutOverTime.servedAt(served, 60, r -> r.reward().mean())).isEqualTo(0.4);
        assertThat(HeldOutOverTime.servedAt(served, 599, r -> r.reward().mean()))
                .isEqualTo(0.6);

        BandChart.Band band = HeldOutOverTime.band(
                "WRPO",
                List.of(run("WRPO", 1, served, 150), run("WRPO", 2, List.of(row(0, 0, 0.3, false)), Double.NaN)),
                60,
                r -> r.reward().mean());
        assertThat(band.x()).containsExactly(0, 1.0 / 6, 2.0 / 6, 0.5, 4.0 / 6, 5.0 / 6, 1);
        assertThat(band.mean()[0]).isCloseTo(0.2, within(1e-12));
        assertThat(band.mean()[6]).isCloseTo(0.35, within(1e-12));
        assertThat(band.sd()[6]).isCloseTo(Math.sqrt(0.005), within(1e-12));
        assertThat(band.switchAt())
                .as("the seed that never left SFT is not in the mean")
                .isEqualTo(2.5);
    }

    @Test
    void theEndOfSftOfTheSftArmIsItsNewestVersion() {
        Run sftOnly = run("SFT", 1, List.of(row(0, 0, 0.1, false), row(4, 100, 0.5, false)), Double.NaN);
        Run wrpo = run(
                "WRPO",
                1,
                List.of(
                        row(0, 0, 0.1, false),
                        row(4, 100, 0.5, false),
                        row(6, 300, 0.55, true),
                        row(9, 500, 0.6, true)),
                200);

        assertThat(sftOnly.endOfSft().version()).isEqualTo(4);
        assertThat(wrpo.endOfSft().version()).isEqualTo(4);
        assertThat(wrpo.newest().version()).isEqualTo(9);
    }

    @Test
    void theResultsNameEveryRunAndTheClaimsBetweenArms() throws Exception {
        List<Run> runs = List.of(
                run("WRPO", 1, List.of(row(0, 0, 0.1, false), row(4, 100, 0.5, false), row(9, 500, 0.62, true)), 200),
                run(
                        "SFT+DPO",
                        1,
                        List.of(row(0, 0, 0.1, false), row(4, 100, 0.5, false), row(8, 500, 0.55, true)),
                        210),
                run("SFT", 1, List.of(row(0, 0, 0.1, false), row(4, 100, 0.5, false)), Double.NaN),
                run("WRPO", 2, List.of(row(0, 0, 0.1, false), row(3, 90, 0.45, false), row(7, 400, 0.58, true)), 190),
                run(
                        "SFT+DPO",
                        2,
                        List.of(row(0, 0, 0.1, false), row(3, 90, 0.46, false), row(7, 400, 0.50, true)),
                        180),
                run("SFT", 2, List.of(row(0, 0, 0.1, false), row(3, 90, 0.47, false)), Double.NaN));

        List<Path> files = ComparisonRecords.write(dir, runs, 600);

        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .contains("comparison.csv", "comparison-versions.csv", "comparison.txt");
        List<String> perRun = Files.readAllLines(dir.resolve("comparison.csv"));
        assertThat(perRun).hasSize(7);
        assertThat(perRun.get(0))
                .startsWith("arm,seed,versions,samples,preference_stage_seconds,start_version,start_reverse")
                .contains("end_of_sft_add", "newest_mean");
        assertThat(perRun.get(1)).startsWith("WRPO,1,2,100,200.0,0,");
        assertThat(Files.readAllLines(dir.resolve("comparison-versions.csv")))
                .hasSize(1 + 3 + 3 + 2 + 3 + 3 + 2)
                .contains("WRPO,1,9,500.0,preference,0.6200,0.6200,0.6200,0.6200,0.6200");
        String report = Files.readString(dir.resolve("comparison.txt"));
        assertThat(report)
                .contains("WRPO      - SFT+DPO   mean +0.075")
                .contains("SFT+DPO   - SFT       mean +0.040")
                .contains("s1 +0.070, s2 +0.080")
                .doesNotContain("WRPO-a0.3");
        String gains = report.substring(report.indexOf("the preference stage's gain"));
        assertThat(gains)
                .as("gain = newest - end of SFT: WRPO +0.12/+0.13, SFT+DPO +0.05/+0.04, SFT 0")
                .contains("WRPO      - SFT+DPO   mean +0.080")
                .contains("s1 +0.070, s2 +0.090")
                .contains("SFT+DPO   - SFT       mean +0.045");
    }

    @Test
    void aStoppedComparisonReadsBackTheRunsItWrote() throws Exception {
        List<Run> runs = List.of(
                run("WRPO", 3, List.of(row(0, 0, 0.1, false), row(4, 100.5, 0.5, false), row(9, 500, 0.62, true)), 205),
                run("SFT", 3, List.of(row(0, 0, 0.1, false), row(4, 100, 0.5, false)), Double.NaN));
        ComparisonRecords.write(dir, runs, 600);

        List<Run> read = ComparisonRecords.read(dir);

        assertThat(read).hasSize(2);
        assertThat(read.get(0).arm()).isEqualTo("WRPO");
        assertThat(read.get(0).seed()).isEqualTo(3);
        assertThat(read.get(0).preferenceStageSeconds()).isEqualTo(205);
        assertThat(read.get(0).served())
                .extracting(LearningBoard.Row::version, LearningBoard.Row::seconds, LearningBoard.Row::preferenceStage)
                .containsExactly(tuple(0L, 0.0, false), tuple(4L, 100.5, false), tuple(9L, 500.0, true));
        assertThat(read.get(0).newest().reward().perSkill()).containsEntry(Skill.ADD, 0.62);
        assertThat(read.get(1).preferenceStageSeconds()).isNaN();
        assertThat(ComparisonRecords.read(dir.resolve("none"))).isEmpty();

        Files.delete(dir.resolve("comparison.txt"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Run> resumed = DemoComparison.run(
                dir,
                DemoSettings.defaults(Duration.ofMinutes(10)),
                List.of(3L),
                List.of(DemoComparison.WRPO, DemoComparison.SFT),
                DemoSources.scripted(),
                List.of(),
                true,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(resumed).hasSize(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("== WRPO, seed 3: kept from");
        assertThat(dir.resolve("comparison.txt"))
                .as("a resumed comparison with nothing left to run rewrites its report")
                .content()
                .contains("paired differences");
    }

    @Test
    void anUnknownArmIsRefusedWithTheKnownOnes() {
        assertThat(DemoComparison.arms(List.of("wrpo", "SFT+DPO")))
                .containsExactly(DemoComparison.WRPO, DemoComparison.SFT_DPO);
        assertThatThrownBy(() -> DemoComparison.arms(List.of("WRPO", "PPO")))
                .hasMessageContaining("--compare-arms")
                .hasMessageContaining("'PPO'")
                .hasMessageContaining("WRPO, SFT+DPO, SFT, WRPO-a0.3");
    }

    private static Run run(String arm, long seed, List<LearningBoard.Row> served, double switchSeconds) {
        return new Run(arm, seed, served, switchSeconds, 100);
    }

    private static LearningBoard.Row row(long version, double seconds, double value, boolean preference) {
        Map<Skill, Double> perSkill = new EnumMap<>(Skill.class);
        for (Skill skill : Skill.values()) {
            perSkill.put(skill, value);
        }
        return new LearningBoard.Row(version, seconds, new TaskReward(perSkill, value, 4), preference);
    }
}
