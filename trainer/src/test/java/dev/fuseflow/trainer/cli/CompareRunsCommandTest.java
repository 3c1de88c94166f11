package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.trainer.report.MetricsCsv;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** compare-runs on run folders of known curves: the table's figures, the paired differences, the PNG. */
class CompareRunsCommandTest {

    @TempDir
    Path dir;

    @Test
    void tabulatesEndOfSftFinalAndGainPerArmAndPairsTheSeeds() throws Exception {
        // WRPO seed s: SFT 0.2 -> 0.4 (end), preference 0.5 -> 0.6 + s/100; DPO: the same SFT, then 0.45 -> 0.5;
        // SFT alone: 0.2 -> 0.45 + s/100, no preference stage.
        for (long seed : new long[] {1, 2}) {
            run("WRPO", seed, new double[] {0.2, 0.4}, new double[] {0.5, 0.6 + seed / 100.0});
            run("DPO", seed, new double[] {0.2, 0.4}, new double[] {0.45, 0.5});
            run("SFT", seed, new double[] {0.2, 0.45 + seed / 100.0}, null);
        }
        Files.createDirectories(dir.resolve("notes")); // not a run folder: ignored
        run("WRPO", 3, new double[] {0.9}, null); // cut short in SFT: no model/, left out
        Files.delete(dir.resolve("WRPO-seed3").resolve("model").resolve("config.json"));

        StringWriter out = new StringWriter();
        String[] args = {"compare-runs", "--runs", dir.toString()};
        CommandLine line = TrainerCommand.commandLine(args, Map.of());
        line.setOut(new PrintWriter(out, true));
        assertThat(line.execute(args)).as(out.toString()).isZero();

        String table = Files.readString(dir.resolve("comparison.txt"));
        assertThat(out.toString())
                .contains(table)
                .contains("left out, no model/ yet (cut short or still training): WRPO-seed3");
        assertThat(table)
                .containsPattern("WRPO +2 eval/task_reward +0\\.4000 \\+- 0\\.0000 +0\\.6150 \\+- 0\\.0071 +0\\.2150")
                .containsPattern("DPO +2 eval/task_reward +0\\.4000 \\+- 0\\.0000 +0\\.5000 \\+- 0\\.0000 +0\\.1000")
                .containsPattern("SFT +2 eval/task_reward +- +0\\.4650 \\+- 0\\.0071 +-")
                .contains("eval/task_reward/add")
                .contains("DPO - SFT: +0.0350")
                .contains("DPO - WRPO: -0.1150 (2 SE paired 0.0100)")
                .contains("SFT - WRPO: -0.1500 (2 SE paired 0.0000)");
        Path png = dir.resolve("comparison-eval-task-reward.png");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);

        StringWriter err = new StringWriter();
        String[] wrong = {"compare-runs", "--runs", dir.toString(), "--metric", "eval/bleu"};
        CommandLine again = TrainerCommand.commandLine(wrong, Map.of());
        again.setErr(new PrintWriter(err, true));
        assertThat(again.execute(wrong)).isNotZero();
        assertThat(err.toString()).contains("--metric eval/bleu is in none of the runs' evaluations");
    }

    /**
     * A finished run folder (model/config.json): eval-sft.csv (updates 10, 20, ...) and, unless null,
     * eval-preference.csv after it; add is the mean minus 0.1.
     */
    private void run(String arm, long seed, double[] sft, double[] preference) throws Exception {
        Path run = dir.resolve(arm + "-seed" + seed);
        Files.createDirectories(run.resolve("model"));
        Files.writeString(run.resolve("model").resolve("config.json"), "{}");
        long step = 0;
        try (MetricsCsv csv = new MetricsCsv(run.resolve("eval-sft.csv"))) {
            for (double v : sft) {
                csv.append(step += 10, "sft", metrics(v));
            }
        }
        if (preference != null) {
            try (MetricsCsv csv = new MetricsCsv(run.resolve("eval-preference.csv"))) {
                for (double v : preference) {
                    csv.append(step += 10, "preference", metrics(v));
                }
            }
        }
    }

    private static Map<String, Double> metrics(double taskReward) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("eval/rewards/accuracies", 0.5);
        m.put("eval/task_reward", taskReward);
        m.put("eval/task_reward/add", taskReward - 0.1);
        return m;
    }
}
