package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.local.demo.DemoComparison.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The comparison's files under its root: {@code comparison.csv} (a line per run), {@code comparison-versions.csv}
 * (every served version of every run), {@code comparison.txt} and the plot; and the runs read back from the two
 * CSV files, so that a comparison stopped part-way resumes with the (arm, seed) runs it has not done.
 */
final class ComparisonRecords {

    static final String RUNS = "comparison.csv";
    static final String VERSIONS = "comparison-versions.csv";

    private ComparisonRecords() {}

    /** Rewritten after every run, so an interrupted comparison keeps what it measured. */
    static List<Path> write(Path root, List<Run> runs, double seconds) throws IOException {
        Files.createDirectories(root);
        List<Path> files = new ArrayList<>(
                List.of(writeRuns(root.resolve(RUNS), runs), writeVersions(root.resolve(VERSIONS), runs)));
        Path text = root.resolve("comparison.txt");
        Files.writeString(text, ComparisonReport.of(runs));
        files.add(text);
        files.addAll(HeldOutOverTime.write(root, runs, seconds));
        return files;
    }

    /** One line per run: start, end of SFT and newest, each per skill and mean. */
    private static Path writeRuns(Path file, List<Run> runs) throws IOException {
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file))) {
            StringBuilder header = new StringBuilder("arm,seed,versions,samples,preference_stage_seconds");
            for (String version : List.of("start", "end_of_sft", "newest")) {
                header.append(',').append(version).append("_version");
                for (Skill skill : Skill.values()) {
                    header.append(',').append(version).append('_').append(skill.promptName());
                }
                header.append(',').append(version).append("_mean");
            }
            csv.println(header);
            for (Run run : runs) {
                csv.printf(
                        Locale.ROOT,
                        "%s,%d,%d,%d,%.1f",
                        run.arm(),
                        run.seed(),
                        run.served().size() - 1,
                        run.samples(),
                        run.preferenceStageSeconds());
                for (LearningBoard.Row row : List.of(run.start(), run.endOfSft(), run.newest())) {
                    csv.printf(Locale.ROOT, ",%d%s", row.version(), rewards(row.reward()));
                }
                csv.println();
            }
        }
        return file;
    }

    /** Every served version of every run: the plot's points. */
    private static Path writeVersions(Path file, List<Run> runs) throws IOException {
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file))) {
            csv.println("arm,seed,version,seconds,stage,"
                    + Arrays.stream(Skill.values()).map(Skill::promptName).collect(Collectors.joining(","))
                    + ",mean");
            for (Run run : runs) {
                for (LearningBoard.Row row : run.served()) {
                    csv.printf(
                            Locale.ROOT,
                            "%s,%d,%d,%.1f,%s%s%n",
                            run.arm(),
                            run.seed(),
                            row.version(),
                            row.seconds(),
                            row.preferenceStage() ? "preference" : "sft",
                            rewards(row.reward()));
                }
            }
        }
        return file;
    }

    private static String rewards(TaskReward reward) {
        StringBuilder text = new StringBuilder();
        for (Skill skill : Skill.values()) {
            text.append(String.format(Locale.ROOT, ",%.4f", reward.perSkill().getOrDefault(skill, Double.NaN)));
        }
        return text.append(String.format(Locale.ROOT, ",%.4f", reward.mean())).toString();
    }

    /** The runs in {@code root}'s CSV files, in their order; none when the comparison has not written any. */
    static List<Run> read(Path root) throws IOException {
        Path runsFile = root.resolve(RUNS);
        Path versionsFile = root.resolve(VERSIONS);
        if (!Files.exists(runsFile) || !Files.exists(versionsFile)) {
            return List.of();
        }
        Map<String, List<LearningBoard.Row>> served = new LinkedHashMap<>();
        List<String> versionLines = Files.readAllLines(versionsFile);
        for (int i = 1; i < versionLines.size(); i++) {
            String[] f = fields(versionsFile, versionLines.get(i), 5 + Skill.values().length + 1, i + 1);
            served.computeIfAbsent(f[0] + "," + f[1], k -> new ArrayList<>())
                    .add(new LearningBoard.Row(
                            Long.parseLong(f[2]), Double.parseDouble(f[3]), reward(f, 5), "preference".equals(f[4])));
        }
        List<Run> runs = new ArrayList<>();
        List<String> runLines = Files.readAllLines(runsFile);
        for (int i = 1; i < runLines.size(); i++) {
            String[] f = fields(runsFile, runLines.get(i), 5, i + 1);
            List<LearningBoard.Row> rows = served.get(f[0] + "," + f[1]);
            if (rows == null) {
                throw new IOException(versionsFile + " has no versions of " + f[0] + " seed " + f[1] + " that "
                        + runsFile + " lists (line " + (i + 1) + "); delete both to start the comparison afresh");
            }
            runs.add(new Run(f[0], Long.parseLong(f[1]), rows, Double.parseDouble(f[4]), Long.parseLong(f[3])));
        }
        return runs;
    }

    private static String[] fields(Path file, String line, int atLeast, int lineNumber) throws IOException {
        String[] f = line.split(",", -1);
        if (f.length < atLeast) {
            throw new IOException(file + " line " + lineNumber + ": " + f.length + " fields, expected at least "
                    + atLeast + ": " + line);
        }
        return f;
    }

    private static TaskReward reward(String[] f, int from) {
        Map<Skill, Double> perSkill = new EnumMap<>(Skill.class);
        for (Skill skill : Skill.values()) {
            double value = Double.parseDouble(f[from + skill.ordinal()]);
            if (!Double.isNaN(value)) {
                perSkill.put(skill, value);
            }
        }
        // The prompt count is not in the file; the comparison reads only the rewards.
        return new TaskReward(perSkill, Double.parseDouble(f[from + Skill.values().length]), 0);
    }
}
